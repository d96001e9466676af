package dockertest

import (
	"context"
	"fmt"
	"maps"
	"net"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// staleAfter is the age past which a test container is considered left
// behind by a crashed run and removed by the next test run.
const staleAfter = 2 * time.Hour

// Env is one test's corner of the engine: sandbox name prefixes and a
// label unique to the test, and a cleanup that removes every container and
// volume carrying either, when the test ends (failed or not).
type Env struct {
	Client *client.Client
	// Image is the agentsim image.
	Image string
	// RunID is the value of the LabelTest label on everything created.
	RunID string
	// V1Prefix and V0Prefix end like OpenHands' own prefixes so names look
	// real, but start with a per-test tag so tests never see each other's
	// sandboxes.
	V1Prefix, V0Prefix string
}

// New prepares an Env: it requires Docker (see Require), builds or reuses
// the agentsim image, and registers the cleanup.
func New(t testing.TB) *Env {
	t.Helper()
	cli := Require(t)
	e := &Env{Client: cli, Image: AgentsimImage(t, cli), RunID: RandomID(4)}
	e.V1Prefix = "t" + e.RunID + "-oh-agent-server-"
	e.V0Prefix = "t" + e.RunID + "-openhands-runtime-"
	sweepOnce.Do(func() { sweepStale(cli) })
	t.Cleanup(func() { e.Cleanup(t) })
	return e
}

// Labels are the labels to put on anything the test creates.
func (e *Env) Labels() map[string]string { return map[string]string{LabelTest: e.RunID} }

// RunOptions describe a throwaway container.
type RunOptions struct {
	// Name is the full container name; default V1Prefix + a random suffix.
	Name string
	Env  map[string]string
	// Cmd replaces the image's default command (--port 8000).
	Cmd []string
	// Ports are container ports published on 127.0.0.1 at host ports the
	// engine picks; HostPorts fixes the host port of a container port.
	Ports     []int
	HostPorts map[int]int
	Tty       bool
	// CreateOnly leaves the container created but not started.
	CreateOnly bool
	// Labels are added to the test's own label.
	Labels map[string]string
	// Image replaces the agentsim image (ShellImage: one with a shell).
	Image string
	// NanoCPUs and Memory are resource limits (--cpus in billionths of
	// a core, --memory in bytes); zero is none.
	NanoCPUs, Memory int64
	// LogMaxSize overrides the engine's log rotation size for this
	// container (json-file's max-size, such as "100m"); empty keeps the
	// engine's. A test of what ohdash does with many lines sets it above
	// what they take: Docker 20.10 can lose or stop following lines when
	// it rotates the file under a follower that is behind (this host's
	// engine rotates at 10m), which is the engine's failure, not ohdash's.
	LogMaxSize string
}

// Run creates (and unless CreateOnly, starts) a container from the
// agentsim image and returns its id and name.
func (e *Env) Run(t testing.TB, o RunOptions) (id, name string) {
	t.Helper()
	id, name, err := e.run(o)
	if err != nil {
		t.Fatal(err)
	}
	return id, name
}

// RunN runs n containers like Run (each with its own random name), eight
// at a time, and returns their names.
func (e *Env) RunN(t testing.TB, n int, o RunOptions) []string {
	t.Helper()
	o.Name = ""
	names := make([]string, n)
	errs := make([]error, n)
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			_, names[i], errs[i] = e.run(o)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return names
}

func (e *Env) run(o RunOptions) (id, name string, err error) {
	name = o.Name
	if name == "" {
		name = e.V1Prefix + RandomID(8)
	}
	env := make([]string, 0, len(o.Env))
	for _, k := range slices.Sorted(maps.Keys(o.Env)) {
		env = append(env, k+"="+o.Env[k])
	}
	exposed, bindings := network.PortSet{}, network.PortMap{}
	publish := func(cport, hport int) {
		p, _ := network.PortFrom(uint16(cport), network.TCP)
		exposed[p] = struct{}{}
		hp := ""
		if hport > 0 {
			hp = strconv.Itoa(hport)
		}
		bindings[p] = []network.PortBinding{{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: hp}}
	}
	for _, p := range o.Ports {
		publish(p, 0)
	}
	for c, h := range o.HostPorts {
		publish(c, h)
	}
	labels := e.Labels()
	maps.Copy(labels, o.Labels)
	labels[LabelTest] = e.RunID // Cleanup finds containers by it
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	image := e.Image
	if o.Image != "" {
		image = o.Image
	}
	// A host port the engine picks at random can be taken by another
	// process between its pick and its bind (Podman 4 then fails the
	// start instead of picking again). With random host ports only, a
	// failed start is retried in a new container: a failure of any other
	// cause fails the same way again and is reported.
	randomPorts := len(o.Ports) > 0 && len(o.HostPorts) == 0
	var logConfig container.LogConfig
	if o.LogMaxSize != "" {
		// No type: the engine's own driver, with this option over its
		// defaults.
		logConfig.Config = map[string]string{"max-size": o.LogMaxSize}
	}
	for attempt := 1; ; attempt++ {
		res, err := e.Client.ContainerCreate(ctx, client.ContainerCreateOptions{
			Name: name,
			Config: &container.Config{
				Image: image, Cmd: o.Cmd, Env: env, Tty: o.Tty,
				ExposedPorts: exposed, Labels: labels,
			},
			HostConfig: &container.HostConfig{
				PortBindings: bindings,
				Resources:    container.Resources{NanoCPUs: o.NanoCPUs, Memory: o.Memory},
				LogConfig:    logConfig,
			},
		})
		if err != nil {
			return "", name, fmt.Errorf("create container %s: %w", name, err)
		}
		if o.CreateOnly {
			return res.ID, name, nil
		}
		_, err = e.Client.ContainerStart(ctx, res.ID, client.ContainerStartOptions{})
		if err == nil {
			return res.ID, name, nil
		}
		if !randomPorts || attempt == startAttempts {
			return res.ID, name, fmt.Errorf("start container %s: %w", name, err)
		}
		if _, rerr := e.Client.ContainerRemove(ctx, res.ID, client.ContainerRemoveOptions{Force: true}); rerr != nil {
			return res.ID, name, fmt.Errorf("start container %s: %w (and removing it to try again: %w)", name, err, rerr)
		}
	}
}

// startAttempts bounds the starts of a container with random host ports.
const startAttempts = 3

// CreateVolume creates a labelled volume (removed by Cleanup if still there).
func (e *Env) CreateVolume(t testing.TB, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := e.Client.VolumeCreate(ctx, client.VolumeCreateOptions{Name: name, Labels: e.Labels()}); err != nil {
		t.Fatalf("create volume %s: %v", name, err)
	}
}

// Cleanup removes every container with the test's label or one of its
// prefixes, then its labelled volumes. New registers it; calling it again
// is harmless.
func (e *Env) Cleanup(t testing.TB) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ids := map[string]bool{}
	for _, f := range []client.Filters{
		make(client.Filters).Add("label", LabelTest+"="+e.RunID),
		// Unanchored: Docker matches names with their leading slash,
		// Podman without; the prefix is checked below.
		make(client.Filters).Add("name", regexp.QuoteMeta("t"+e.RunID+"-")),
	} {
		res, err := e.Client.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
		if err != nil {
			t.Errorf("cleanup: list containers: %v", err)
			return
		}
		for _, c := range res.Items {
			if c.Labels[LabelTest] == e.RunID || ownName(c.Names, "t"+e.RunID+"-") {
				ids[c.ID] = true
			}
		}
	}
	if err := removeContainers(ctx, e.Client, slices.Collect(maps.Keys(ids))); err != nil {
		t.Errorf("cleanup: %v", err)
	}
	vols, err := e.Client.VolumeList(ctx, client.VolumeListOptions{Filters: make(client.Filters).Add("label", LabelTest+"="+e.RunID)})
	if err != nil {
		t.Errorf("cleanup: list volumes: %v", err)
		return
	}
	for _, v := range vols.Items {
		if _, err := e.Client.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{Force: true}); err != nil && !cerrdefs.IsNotFound(err) {
			t.Errorf("cleanup: remove volume %s: %v", v.Name, err)
		}
	}
}

// removeContainers force-removes containers, eight at a time.
func removeContainers(ctx context.Context, cli *client.Client, ids []string) error {
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
		sem   = make(chan struct{}, 8)
	)
	for _, id := range ids {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			_, err := cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
			if err != nil && !cerrdefs.IsNotFound(err) && !cerrdefs.IsConflict(err) {
				mu.Lock()
				if first == nil {
					first = fmt.Errorf("remove container %s: %w", id, err)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return first
}

var sweepOnce sync.Once

// sweepStale removes test containers that a crashed run left behind; it is
// best effort and never fails a test.
func sweepStale(cli *client.Client) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: make(client.Filters).Add("label", LabelTest)})
	if err != nil {
		return
	}
	var old []string
	for _, c := range res.Items {
		if time.Since(time.Unix(c.Created, 0)) > staleAfter {
			old = append(old, c.ID)
		}
	}
	_ = removeContainers(ctx, cli, old)
}

// FreePort returns a TCP port that was free on 127.0.0.1 a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// ownName reports whether one of a container's names starts with prefix.
func ownName(names []string, prefix string) bool {
	for _, n := range names {
		if strings.HasPrefix(strings.TrimPrefix(n, "/"), prefix) {
			return true
		}
	}
	return false
}
