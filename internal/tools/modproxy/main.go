// Command modproxy writes a file-based Go module proxy (GOPROXY=file://DIR)
// that serves modules of this checkout at versions the caller names, so
// that CI can prove "go install .../cmd/alletractl@VERSION" and "go get" of
// the SDK work from a proxy without any network:
//
//	go run ./internal/tools/modproxy -o DIR .=v0.0.0-00010101000000-000000000000 cmd/alletractl=v0.2.0
//
// Each argument is a module directory and the version to serve it as. The
// layout is the one "go mod download" reads (the GOPROXY protocol):
// <module>/@v/list, <version>.info, <version>.mod and <version>.zip. A
// module's zip holds the files git knows in its directory (tracked, or new
// and not ignored), without nested modules, as "module@version/path".
package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

func main() {
	out := flag.String("o", "", "the proxy directory to write (required)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: modproxy -o DIR MODULE_DIR=VERSION ...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	for _, arg := range flag.Args() {
		dir, version, ok := strings.Cut(arg, "=")
		if !ok || dir == "" || version == "" {
			fmt.Fprintf(os.Stderr, "modproxy: %q: want MODULE_DIR=VERSION\n", arg)
			os.Exit(2)
		}
		files, err := gitFiles(dir)
		if err == nil {
			err = write(*out, dir, version, files)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "modproxy:", err)
			os.Exit(1)
		}
	}
}

// gitFiles lists the files git knows under dir (tracked, or untracked and
// not ignored), relative to dir, with "/" separators.
func gitFiles(dir string) ([]string, error) {
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files in %s: %v: %s", dir, err, strings.TrimSpace(stderr.String()))
	}
	var files []string
	for f := range strings.SplitSeq(string(out), "\x00") {
		if f != "" {
			files = append(files, f)
		}
	}
	return files, nil
}

// write adds the module in dir, served as version, to the proxy in out.
func write(out, dir, version string, files []string) error {
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return err
	}
	modPath := modulePath(gomod)
	if modPath == "" {
		return fmt.Errorf("%s/go.mod: no module line", dir)
	}
	esc, err := escape(modPath)
	if err != nil {
		return err
	}
	vdir := filepath.Join(out, filepath.FromSlash(esc), "@v")
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		return err
	}
	info, err := json.Marshal(struct {
		Version string
		Time    time.Time
	}{version, versionTime(version)})
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(vdir, version+".info"), info, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(vdir, version+".mod"), gomod, 0o644); err != nil {
		return err
	}
	if err := writeZip(filepath.Join(vdir, version+".zip"), dir, modPath+"@"+version, moduleFiles(dir, files)); err != nil {
		return err
	}
	return addToList(filepath.Join(vdir, "list"), version)
}

// modulePath returns the path on go.mod's module line.
func modulePath(gomod []byte) string {
	s := bufio.NewScanner(bytes.NewReader(gomod))
	for s.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(s.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// moduleFiles drops the files of nested modules (a directory below dir with
// a go.mod of its own) and files that no longer exist, and sorts the rest.
func moduleFiles(dir string, files []string) []string {
	var nested []string
	for _, f := range files {
		if path.Base(f) == "go.mod" && f != "go.mod" {
			nested = append(nested, path.Dir(f)+"/")
		}
	}
	var keep []string
	for _, f := range files {
		if slices.ContainsFunc(nested, func(p string) bool { return strings.HasPrefix(f, p) }) {
			continue
		}
		if st, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(f))); err != nil || !st.Mode().IsRegular() {
			continue // deleted in the work tree, or a symlink (module zips hold none)
		}
		keep = append(keep, f)
	}
	slices.Sort(keep)
	return keep
}

// writeZip writes the module zip: every file under "prefix/".
func writeZip(name, dir, prefix string, files []string) (err error) {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	zw := zip.NewWriter(f)
	for _, file := range files {
		w, err := zw.Create(prefix + "/" + file)
		if err != nil {
			return err
		}
		src, err := os.Open(filepath.Join(dir, filepath.FromSlash(file)))
		if err != nil {
			return err
		}
		_, err = io.Copy(w, src)
		src.Close()
		if err != nil {
			return err
		}
	}
	return zw.Close()
}

// addToList adds version to the @v/list file, once.
func addToList(name, version string) error {
	b, err := os.ReadFile(name)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	versions := strings.Fields(string(b))
	if !slices.Contains(versions, version) {
		versions = append(versions, version)
	}
	slices.Sort(versions)
	return os.WriteFile(name, []byte(strings.Join(versions, "\n")+"\n"), 0o644)
}

// pseudo matches the timestamp of a pseudo-version (vX.Y.Z-[pre.]yyyymmddhhmmss-rev).
var pseudo = regexp.MustCompile(`[-.](\d{14})-[0-9a-f]{12}$`)

// versionTime is the time a pseudo-version names, or a fixed time for a
// release version (the proxy protocol only needs one).
func versionTime(version string) time.Time {
	if m := pseudo.FindStringSubmatch(version); m != nil {
		if t, err := time.Parse("20060102150405", m[1]); err == nil {
			return t
		}
	}
	return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
}

// escape is the proxy protocol's case encoding of a module path: each
// upper-case letter becomes "!" and its lower-case form.
func escape(modPath string) (string, error) {
	var b strings.Builder
	for _, r := range modPath {
		switch {
		case r == '!' || r > 0x7e || r < 0x21:
			return "", fmt.Errorf("module path %q: character %q not allowed", modPath, r)
		case 'A' <= r && r <= 'Z':
			b.WriteByte('!')
			b.WriteRune(r + 'a' - 'A')
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), nil
}
