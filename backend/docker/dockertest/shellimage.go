package dockertest

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// shellTools are the host programs a shell image carries, at /bin/NAME:
// what exec tests run inside a sandbox (real OpenHands images have them;
// the agentsim image, FROM scratch, has no shell at all).
var shellTools = []string{"bash", "sh", "stty", "cat", "sleep", "env"}

var (
	shellOnce sync.Once
	shellTar  []byte
	shellErr  error
)

// ShellImage returns an image like AgentsimImage's (agentsim as its
// entrypoint) that also holds bash, sh, stty, cat, sleep and env, copied
// from the host with the shared libraries they load (found with ldd). No
// registry is involved. Tests that need one skip (fail with CI=true)
// when the host lacks the tools.
func ShellImage(t testing.TB, cli *client.Client) string {
	t.Helper()
	AgentsimImage(t, cli) // builds builtBin
	shellOnce.Do(func() { shellTar, shellErr = shellLayer(builtBin) })
	if shellErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shell image: %v", shellErr)
		}
		t.Skipf("skipping: cannot build a shell image from this host's tools (%v); with CI=true this fails", shellErr)
	}
	sum := sha256.Sum256(shellTar)
	ref := "ohdash-agentsim-shell:" + hex.EncodeToString(sum[:8])
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := cli.ImageInspect(ctx, ref); err == nil {
		return ref
	} else if !cerrdefs.IsNotFound(err) {
		t.Fatalf("inspect %s: %v", ref, err)
	}
	rc, err := cli.ImageImport(ctx, client.ImageImportSource{Source: bytes.NewReader(shellTar), SourceName: "-"}, ref, client.ImageImportOptions{
		Message: "ohdash agentsim with a shell (exec tests)",
		Changes: []string{`ENTRYPOINT ["/agentsim"]`, `CMD ["--port", "8000"]`, `EXPOSE 8000`, `ENV PATH=/bin`, `LABEL "` + LabelTest + `.image"="agentsim-shell"`},
	})
	if err != nil {
		t.Fatalf("import %s: %v", ref, err)
	}
	defer rc.Close()
	if err := importError(rc); err != nil {
		t.Fatalf("import %s: %v", ref, err)
	}
	return ref
}

// libPath finds the absolute paths in ldd's output.
var libPath = regexp.MustCompile(`(/[^\s]+) \(0x`)

// shellLayer is the image's file system as a tar: agentsim and the tools
// with their libraries.
func shellLayer(agentsim []byte) ([]byte, error) {
	files := map[string]string{} // path in the image → host path
	for _, tool := range shellTools {
		host, err := exec.LookPath(tool)
		if err != nil {
			return nil, err
		}
		files["bin/"+tool] = host
		out, err := exec.Command("ldd", host).Output()
		if err != nil {
			return nil, fmt.Errorf("ldd %s: %w", host, err)
		}
		for _, m := range libPath.FindAllStringSubmatch(string(out), -1) {
			files[strings.TrimPrefix(m[1], "/")] = m[1]
		}
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := func(name string, mode int64, body []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: int64(len(body)), ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := tw.Write(body)
		return err
	}
	if err := add("agentsim", 0o755, agentsim); err != nil {
		return nil, err
	}
	dirs := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		for d := filepath.Dir(name); d != "." && !dirs[d]; d = filepath.Dir(d) {
			dirs[d] = true
		}
	}
	for _, d := range slices.Sorted(maps.Keys(dirs)) {
		if err := tw.WriteHeader(&tar.Header{Name: d + "/", Mode: 0o755, ModTime: time.Unix(0, 0), Typeflag: tar.TypeDir}); err != nil {
			return nil, err
		}
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		body, err := os.ReadFile(files[name]) // follows symlinks
		if err != nil {
			return nil, err
		}
		if err := add(name, 0o755, body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// importError reads an import's progress stream to its end and returns
// the first error it reports.
func importError(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var m struct {
			Error *struct {
				Message string `json:"message"`
			} `json:"errorDetail"`
		}
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if m.Error != nil {
			return errors.New(m.Error.Message)
		}
	}
}
