package main

import (
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"
)

// sdkModule is the SDK's module path, looked up in the build information.
const sdkModule = "github.com/openalletra/go-alletra"

// versionView is the document of "alletractl version": what was built, from
// the build information Go records in every binary.
type versionView struct {
	Version      string `json:"version"`                // the alletractl module: vX.Y.Z from go install, "(devel)" from a checkout
	SDKVersion   string `json:"sdkVersion"`             // the go-alletra module it was built with ("(devel)": the checkout, through go.work)
	Revision     string `json:"revision,omitempty"`     // the VCS revision of a checkout build
	RevisionTime string `json:"revisionTime,omitempty"` // RFC 3339
	Modified     *bool  `json:"modified,omitempty"`     // the checkout had uncommitted changes
	GoVersion    string `json:"goVersion"`
}

// buildVersion returns the version information of this binary.
func buildVersion() versionView {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return versionView{Version: "unknown", SDKVersion: "unknown"}
	}
	return newVersionView(bi)
}

// newVersionView reads bi: the main module's version, the SDK's (the
// replacement's when replaced; "(devel)" when it is the main module or a
// workspace module) and the vcs.* settings.
func newVersionView(bi *debug.BuildInfo) versionView {
	v := versionView{Version: orDevel(bi.Main.Version), SDKVersion: "unknown", GoVersion: bi.GoVersion}
	if bi.Main.Path == sdkModule {
		v.SDKVersion = v.Version
	}
	for _, d := range bi.Deps {
		if d.Path != sdkModule {
			continue
		}
		v.SDKVersion = orDevel(d.Version)
		if d.Replace != nil {
			v.SDKVersion = orDevel(d.Replace.Version)
		}
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
				v.RevisionTime = t.UTC().Format(time.RFC3339)
			}
		case "vcs.modified":
			m := s.Value == "true"
			v.Modified = &m
		}
	}
	return v
}

// orDevel is the version, or "(devel)" for a module built from a checkout
// (Go records "(devel)" or nothing then).
func orDevel(v string) string {
	if v == "" {
		return "(devel)"
	}
	return v
}

// userAgent names alletractl and its version in every request.
func userAgent() string { return "alletractl/" + buildVersion().Version }

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Show alletractl's version, the SDK's and the source revision",
		Long: `Show the version of alletractl and of the go-alletra SDK it was built with,
from the build information Go records: a release version (vX.Y.Z) for
"go install .../cmd/alletractl@vX.Y.Z", "(devel)" for a build from a checkout,
which then names its VCS revision. Nothing is sent to an array.`,
		Args: cobra.NoArgs,
		RunE: runE(func(*cobra.Command, []string) error {
			v := buildVersion()
			rows := [][]string{{"alletractl", v.Version}, {"go-alletra", v.SDKVersion}}
			if v.Revision != "" {
				rev := v.Revision
				if v.Modified != nil && *v.Modified {
					rev += " (modified)"
				}
				rows = append(rows, []string{"Revision", rev}, []string{"Revision time", v.RevisionTime})
			}
			rows = append(rows, []string{"Go", v.GoVersion})
			return a.print(result{doc: v, names: []string{v.Version}, rows: rows})
		}),
	}
}
