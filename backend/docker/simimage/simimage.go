// Package simimage makes a container image of cmd/agentsim (the project's
// agent-server emulator) on a Docker or Podman engine without a registry or
// a Dockerfile: the static binary is compiled with the Go toolchain and
// imported as the only file of a FROM-scratch image. The tests use it for
// their sandboxes, and `ohdash sim up` for simulated sandboxes on a user's
// own engine.
package simimage

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
	"slices"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"
)

// Ref is the image reference for bin in repo: the tag is the start of the
// binary's SHA-256, so every caller with the same binary and repository
// shares one image. Callers whose images carry different labels use
// different repositories: an image found by its tag keeps the labels it
// was made with.
func Ref(repo string, bin []byte) string {
	sum := sha256.Sum256(bin)
	return repo + ":" + hex.EncodeToString(sum[:8])
}

// Ensure returns the reference of an image in repo whose entrypoint is bin (a
// static Linux agentsim, default command --port 8000), importing it when
// the engine does not have it yet. labels go on the image, and so on every
// container started from it. made reports whether it was imported now.
func Ensure(ctx context.Context, cli *client.Client, repo string, bin []byte, labels map[string]string) (ref string, made bool, err error) {
	ref = Ref(repo, bin)
	if _, err := cli.ImageInspect(ctx, ref); err == nil {
		return ref, false, nil
	} else if !cerrdefs.IsNotFound(err) {
		return "", false, fmt.Errorf("inspect image %s: %w", ref, err)
	}
	if err := importImage(ctx, cli, ref, bin, labels); err != nil {
		return "", false, fmt.Errorf("import image %s: %w", ref, err)
	}
	return ref, true, nil
}

// importImage creates a one-file image (the scratch-based equivalent of
// COPY agentsim / + ENTRYPOINT) through the engine's import API.
func importImage(ctx context.Context, cli *client.Client, ref string, bin []byte, labels map[string]string) error {
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
	changes := []string{
		`ENTRYPOINT ["/agentsim"]`,
		`CMD ["--port", "8000"]`,
		`EXPOSE 8000`,
	}
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		// JSON quoting is valid Dockerfile quoting for a LABEL value.
		kq, _ := json.Marshal(k)
		vq, _ := json.Marshal(labels[k])
		changes = append(changes, "LABEL "+string(kq)+"="+string(vq))
	}
	rc, err := cli.ImageImport(ctx, client.ImageImportSource{Source: &buf, SourceName: "-"}, ref, client.ImageImportOptions{
		Message: "ohdash agentsim (agent-server emulator)",
		Changes: changes,
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
