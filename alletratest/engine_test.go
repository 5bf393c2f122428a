package alletratest_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The engine shares no wire structs or error mapping with the client: of
// package alletra it names only the enum types of the state types (and
// ErrorCode, Fault.Code's type), to convert its numbers into them.
func TestEngineUsesOnlyClientEnums(t *testing.T) {
	t.Parallel()
	allowed := map[string]bool{
		"ProvisioningType": true, "CopyType": true, "TaskPriority": true, "TaskType": true,
		"TaskStatus": true, "HostPersona": true, "TransportType": true, "VLUNType": true,
		"PortMode": true, "LinkState": true, "PortType": true, "PortProtocol": true, "ErrorCode": true,
	}
	files, err := filepath.Glob("engine*.go")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "alletra" && !allowed[sel.Sel.Name] {
					t.Errorf("%s: the engine uses alletra.%s", fset.Position(sel.Pos()), sel.Sel.Name)
				}
			}
			return true
		})
	}
}
