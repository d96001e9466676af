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
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"
)

// imageRepo is the repository of the agentsim test image; the tag is the
// binary's hash, so test packages running at the same time share it.
const imageRepo = "ohdash-agentsim"

var (
	buildOnce sync.Once
	builtBin  []byte
	buildErr  error
)

// AgentsimImage returns the reference of an image that runs the project's
// cmd/agentsim as its entrypoint (default command --port 8000), building
// the static binary and the FROM-scratch image when needed.
func AgentsimImage(t testing.TB, cli *client.Client) string {
	t.Helper()
	buildOnce.Do(func() { builtBin, buildErr = buildAgentsim() })
	if buildErr != nil {
		t.Fatalf("build agentsim: %v", buildErr)
	}
	sum := sha256.Sum256(builtBin)
	ref := imageRepo + ":" + hex.EncodeToString(sum[:8])
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := cli.ImageInspect(ctx, ref); err == nil {
		return ref
	} else if !cerrdefs.IsNotFound(err) {
		t.Fatalf("inspect image %s: %v", ref, err)
	}
	if err := importImage(ctx, cli, ref, builtBin); err != nil {
		t.Fatalf("import image %s: %v", ref, err)
	}
	return ref
}

// buildAgentsim compiles cmd/agentsim as a static binary and returns it.
func buildAgentsim() ([]byte, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return nil, errors.New("not inside the ohdash module (go env GOMOD is empty)")
	}
	dir, err := os.MkdirTemp("", "ohdash-agentsim-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "agentsim")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, "./cmd/agentsim")
	cmd.Dir = filepath.Dir(gomod)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build ./cmd/agentsim: %w\n%s", err, out)
	}
	return os.ReadFile(bin)
}

// importImage creates a one-file image (the scratch-based equivalent of
// COPY agentsim / + ENTRYPOINT) through the engine's import API.
func importImage(ctx context.Context, cli *client.Client, ref string, bin []byte) error {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	hdr := &tar.Header{Name: "agentsim", Mode: 0o755, Size: int64(len(bin)), ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if _, err := tw.Write(bin); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	rc, err := cli.ImageImport(ctx, client.ImageImportSource{Source: &buf, SourceName: "-"}, ref, client.ImageImportOptions{
		Message: "ohdash agentsim test image",
		Changes: []string{
			`ENTRYPOINT ["/agentsim"]`,
			`CMD ["--port", "8000"]`,
			`EXPOSE 8000`,
			`LABEL ` + LabelTest + `.image=agentsim`,
		},
	})
	if err != nil {
		return err
	}
	defer rc.Close()
	return streamError(rc)
}

// streamError reads a JSON progress stream to its end and returns the
// first error it reports.
func streamError(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var m jsonstream.Message
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if m.Error != nil {
			return m.Error
		}
	}
}
