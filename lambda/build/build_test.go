package build

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// moduleRoot is the repository root, two levels above this package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s: %v", root, err)
	}
	return root
}

func TestZipIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the redis-snapshot Lambda twice")
	}
	root := moduleRoot(t)
	var zips [2][]byte
	for i := range zips {
		out := filepath.Join(t.TempDir(), "nested", "redis-snapshot.zip")
		sum, err := Zip(root, "./lambda/redis-snapshot", out, "arm64")
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if got := sha256.Sum256(b); hex.EncodeToString(got[:]) != sum {
			t.Errorf("build %d: returned sha256 %s does not match the file's %x", i+1, sum, got)
		}
		if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o644 {
			t.Errorf("build %d: zip file mode = %v (%v), want 0644", i+1, fi.Mode(), err)
		}
		if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*.tmp")); len(left) > 0 {
			t.Errorf("build %d: temp files left behind: %q", i+1, left)
		}
		zips[i] = b
	}
	if !bytes.Equal(zips[0], zips[1]) {
		t.Fatalf("two builds differ (%d vs %d bytes)", len(zips[0]), len(zips[1]))
	}

	zr, err := zip.NewReader(bytes.NewReader(zips[0]), int64(len(zips[0])))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" {
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		t.Fatalf("zip holds %q, want exactly [bootstrap]", names)
	}
	f := zr.File[0]
	if f.Mode() != 0o755 {
		t.Errorf("bootstrap mode = %v, want -rwxr-xr-x", f.Mode())
	}
	if !f.Modified.Equal(ZipTime) {
		t.Errorf("bootstrap modified = %v, want %v", f.Modified, ZipTime)
	}
	if f.Method != zip.Deflate {
		t.Errorf("bootstrap method = %d, want Deflate", f.Method)
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	head := make([]byte, 20)
	if _, err := rc.Read(head); err != nil {
		t.Fatal(err)
	}
	// ELF, 64-bit, little-endian, e_machine EM_AARCH64 (183).
	if !bytes.HasPrefix(head, []byte("\x7fELF\x02\x01")) || head[18] != 183 || head[19] != 0 {
		t.Errorf("bootstrap is not a linux/arm64 ELF executable: header % x", head)
	}
}

func TestZipFailureLeavesPreviousZip(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "fn.zip")
	if err := os.WriteFile(out, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Zip(moduleRoot(t), "./lambda/does-not-exist", out, "arm64")
	if err == nil {
		t.Fatal("Zip of a missing package succeeded")
	}
	if !strings.Contains(err.Error(), "does-not-exist") || !strings.Contains(err.Error(), "go build") {
		t.Errorf("error lacks the package or go build output: %v", err)
	}
	if b, _ := os.ReadFile(out); string(b) != "previous" {
		t.Errorf("previous zip was replaced by %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory has %d entries, want only the previous zip", len(entries))
	}
}

func TestZipRejectsNonLambdaArch(t *testing.T) {
	out := filepath.Join(t.TempDir(), "fn.zip")
	if _, err := Zip(".", "./x", out, "386"); err == nil || !strings.Contains(err.Error(), "386") {
		t.Errorf("Zip with GOARCH 386: err = %v, want an error naming it", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("zip written despite the error: %v", err)
	}
}

func TestZipWithoutGo(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Zip(".", "./x", filepath.Join(t.TempDir(), "fn.zip"), "arm64")
	if err == nil || !strings.Contains(err.Error(), "install Go") {
		t.Errorf("err = %v, want advice to install Go", err)
	}
}

// tinyModule writes a module with one main package and returns its root.
func tinyModule(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/fn\n\ngo 1.22\n")
	write("fn/main.go", "package main\n\nimport \"example.com/fn/lib\"\n\nfunc main() { println(lib.Greeting) }\n")
	write("lib/lib.go", body)
	return dir
}

// CMP-3, issue 11: a warm synth skips the Lambda's build, but only while nothing the build
// reads has changed: a change in a package the Lambda imports, the architecture, or a lost
// zip builds again.
func TestCachedBuildsOnlyWhatChanged(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	root := tinyModule(t, "package lib\n\nconst Greeting = \"one\"\n")
	out := filepath.Join(root, ".build", "fn.zip")
	step := func(what string, wantRebuilt bool) string {
		t.Helper()
		sum, rebuilt, err := Cached(root, "./fn", out, "arm64")
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if rebuilt != wantRebuilt {
			t.Errorf("%s: rebuilt = %v, want %v", what, rebuilt, wantRebuilt)
		}
		if got, err := fileSHA256(out); err != nil || got != sum {
			t.Errorf("%s: returned sha256 %s, the zip's is %s (%v)", what, sum, got, err)
		}
		return sum
	}
	first := step("first build", true)
	if again := step("nothing changed", false); again != first {
		t.Errorf("the cached zip's sha256 changed: %s -> %s", first, again)
	}

	if err := os.WriteFile(filepath.Join(root, "lib", "lib.go"), []byte("package lib\n\nconst Greeting = \"two\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if changed := step("an imported package changed", true); changed == first {
		t.Error("the zip did not change with the code")
	}
	step("nothing changed since", false)

	if err := os.Remove(out); err != nil {
		t.Fatal(err)
	}
	step("the zip was deleted", true)

	if _, rebuilt, err := Cached(root, "./fn", out, "amd64"); err != nil || !rebuilt {
		t.Errorf("another architecture: rebuilt = %v, err = %v; want a build", rebuilt, err)
	}
}

// CMP-3: a package that does not compile is reported, and no key is kept for it.
func TestCachedReportsABrokenPackage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	root := tinyModule(t, "package lib\n\nconst Greeting = \n")
	out := filepath.Join(root, "fn.zip")
	_, _, err := Cached(root, "./fn", out, "arm64")
	if err == nil || !strings.Contains(err.Error(), "go build") || !strings.Contains(err.Error(), "lib.go") {
		t.Fatalf("err = %v, want go build's message naming the broken file", err)
	}
	if _, err := os.Stat(out + ".inputs"); !os.IsNotExist(err) {
		t.Errorf("a key was written for a failed build: %v", err)
	}
}

// CMP-3: the real Lambda's key must compute: a key that fails falls back to building
// every time, silently slower.
func TestInputsKeyOfTheRedisSnapshotLambda(t *testing.T) {
	goBin, err := lookGo("./lambda/redis-snapshot")
	if err != nil {
		t.Fatal(err)
	}
	a, err := inputsKey(goBin, moduleRoot(t), "./lambda/redis-snapshot", "arm64")
	if err != nil {
		t.Fatal(err)
	}
	if b, err := inputsKey(goBin, moduleRoot(t), "./lambda/redis-snapshot", "amd64"); err != nil || a == b {
		t.Errorf("the key does not depend on the architecture: %s, %s (%v)", a, b, err)
	}
}
