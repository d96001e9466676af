package simimage

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Module is the module path cmd/agentsim belongs to.
const Module = "github.com/ohdash/ohdash"

// ErrNoSource means neither a clone of the module nor a released version
// is at hand to build agentsim from.
var ErrNoSource = errors.New("no ohdash source to build agentsim from")

// BuildOptions say where agentsim's source comes from.
type BuildOptions struct {
	// Dir is where to look for a clone: the module whose go.mod `go env
	// GOMOD` finds from there. Empty: the current directory.
	Dir string
	// Version is a released module version (v1.2.3) to fetch through the
	// Go module proxy when Dir is not inside a clone; empty or "(devel)"
	// means none.
	Version string
	// GOARCH is the engine's architecture; empty means this machine's.
	GOARCH string
}

// Build compiles cmd/agentsim as a static Linux binary and returns it.
// It needs the Go toolchain: from a clone it builds the clone's source;
// otherwise it fetches o.Version of the module into a throwaway module.
func Build(ctx context.Context, o BuildOptions) ([]byte, error) {
	if _, err := exec.LookPath("go"); err != nil {
		return nil, fmt.Errorf("building agentsim needs the Go toolchain (go on PATH): %w", err)
	}
	root, err := cloneRoot(ctx, o.Dir)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "ohdash-agentsim-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if root == "" {
		if o.Version == "" || o.Version == "(devel)" {
			return nil, fmt.Errorf("%w: run it from a clone of %s (cd into it), or use a released ohdash (go install %s/cmd/ohdash@latest)", ErrNoSource, Module, Module)
		}
		root = filepath.Join(tmp, "mod")
		if err := fetchModule(ctx, root, o.Version); err != nil {
			return nil, err
		}
	}
	bin := filepath.Join(tmp, "agentsim")
	arch := o.GOARCH
	if arch == "" {
		arch = runtime.GOARCH
	}
	if err := goCmd(ctx, root, []string{"GOOS=linux", "GOARCH=" + arch},
		"build", "-trimpath", "-ldflags=-s -w", "-o", bin, Module+"/cmd/agentsim"); err != nil {
		return nil, err
	}
	return os.ReadFile(bin)
}

// cloneRoot is the directory of the ohdash module that contains dir, or ""
// when dir is not inside it.
func cloneRoot(ctx context.Context, dir string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "env", "GOMOD")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", nil
	}
	f, err := os.Open(gomod)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) == 2 && fields[0] == "module" {
			if strings.Trim(fields[1], `"`) == Module {
				return filepath.Dir(gomod), nil
			}
			return "", nil
		}
	}
	return "", sc.Err()
}

// fetchModule makes dir a throwaway module that requires version of
// ohdash, so `go build` can compile its cmd/agentsim.
func fetchModule(ctx context.Context, dir, version string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := goCmd(ctx, dir, nil, "mod", "init", "ohdash-agentsim-build"); err != nil {
		return err
	}
	return goCmd(ctx, dir, nil, "get", Module+"@"+version)
}

// goCmd runs the go command in dir, static (CGO_ENABLED=0) so the binary
// runs in an image with nothing else in it.
func goCmd(ctx context.Context, dir string, env []string, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "CGO_ENABLED=0"), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}
