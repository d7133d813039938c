// Package build turns a Go Lambda package into a deployment zip that is
// byte-for-byte reproducible, so the zip's hash changes only when the code
// (or toolchain, or dependencies) does and Terraform does not redeploy
// functions on every synth.
package build

import (
	"archive/zip"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ZipTime is the modification time stored for bootstrap in every zip: the
// earliest time the zip format can represent, so build time never leaks into
// the archive.
var ZipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// buildFlags make the executable reproducible: no paths, VCS stamps, symbols or build ID.
var buildFlags = []string{"-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid=", "-tags", "lambda.norpc"}

// buildEnv is the environment of a static linux/goarch build.
func buildEnv(goarch string) []string {
	return append(os.Environ(), "GOOS=linux", "GOARCH="+goarch, "CGO_ENABLED=0")
}

// checkArch rejects a GOARCH Lambda does not run.
func checkArch(pkg, goarch string) error {
	if goarch != "arm64" && goarch != "amd64" {
		return fmt.Errorf("build %s: GOARCH %q is not a Lambda architecture (want arm64 or amd64)", pkg, goarch)
	}
	return nil
}

// lookGo finds the go command.
func lookGo(pkg string) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("build %s: the go command is not on PATH; install Go (https://go.dev/dl/, the version in go.mod or newer): %w", pkg, err)
	}
	return goBin, nil
}

// Zip builds pkg (a package path relative to moduleRoot, like
// "./lambda/redis-snapshot") for linux/goarch as the provided.al2023 runtime's
// "bootstrap" executable and writes a zip holding only that file to outZip.
// It returns the hex SHA-256 of the zip.
//
// The build is static (CGO_ENABLED=0), stripped, and free of paths, VCS
// stamps and build IDs; the zip entry has a fixed time and mode 0755. outZip
// is replaced atomically, so a failed build leaves any previous zip intact
// and never a partial one.
func Zip(moduleRoot, pkg, outZip, goarch string) (sha256hex string, err error) {
	if err := checkArch(pkg, goarch); err != nil {
		return "", err
	}
	goBin, err := lookGo(pkg)
	if err != nil {
		return "", err
	}
	return zipWith(goBin, moduleRoot, pkg, outZip, goarch)
}

// zipWith is Zip once the architecture is checked and goBin found.
func zipWith(goBin, moduleRoot, pkg, outZip, goarch string) (string, error) {
	tmp, err := os.MkdirTemp("", "lambda-build-")
	if err != nil {
		return "", fmt.Errorf("build %s: %w", pkg, err)
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "bootstrap")

	cmd := exec.Command(goBin, append(append([]string{"build"}, buildFlags...), "-o", bin, pkg)...)
	cmd.Dir = moduleRoot
	cmd.Env = buildEnv(goarch)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s for linux/%s in %s: %w\n%s", pkg, goarch, moduleRoot, err, strings.TrimSpace(string(out)))
	}

	h := sha256.New()
	if err := replaceFile(outZip, func(w io.Writer) error { return writeZip(io.MultiWriter(w, h), bin) }); err != nil {
		return "", fmt.Errorf("zip %s into %s: %w", pkg, outZip, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// replaceFile writes path's new content through write into a file beside it (mode 0644,
// synced) and renames it into place, so path is never partial and a failed write leaves
// the old content and no temporary file.
func replaceFile(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := write(f); err != nil {
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// writeZip writes a zip whose only entry is bin, stored as "bootstrap".
func writeZip(w io.Writer, bin string) error {
	src, err := os.Open(bin)
	if err != nil {
		return err
	}
	defer src.Close()

	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestCompression)
	})
	hdr := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate, Modified: ZipTime}
	hdr.SetMode(0o755)
	entry, err := zw.CreateHeader(hdr)
	if err != nil {
		return err
	}
	if _, err := io.Copy(entry, src); err != nil {
		return err
	}
	return zw.Close()
}
