package docker

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend"
)

const (
	// labelSpecID records the sandbox spec a container was started from.
	labelSpecID = "sandbox_spec_id"
	// workspaceVolumePrefix + sandbox id is the volume Delete removes.
	workspaceVolumePrefix = "openhands-workspace-"
	// hostGateway lets the agent-server reach services on the host.
	hostGateway = "host.docker.internal:host-gateway"
	// cleanupTimeout bounds removing a container whose start failed.
	cleanupTimeout = 30 * time.Second
)

// Start creates and starts a sandbox the way OpenHands' Docker sandbox
// service does: name = V1 prefix + base62(16 random bytes), a fresh
// base62(32 random bytes) session key in OH_SESSION_API_KEYS_0, every
// exposed port published on a host port Docker picks, init, and
// host.docker.internal mapped to the host. Fields the request leaves zero
// come from Options.Spec.
func (b *Backend) Start(ctx context.Context, req backend.StartRequest) (backend.Sandbox, error) {
	idx := slices.IndexFunc(b.opts.Prefixes, func(p Prefix) bool { return p.Flavor == backend.FlavorAgentServer })
	if idx < 0 {
		return backend.Sandbox{}, fmt.Errorf("start: no V1 sandbox prefix configured: %w", backend.ErrUnsupported)
	}
	name, err := newSandboxName(b.opts.Prefixes[idx].Prefix)
	if err != nil {
		return backend.Sandbox{}, err
	}
	opts, err := b.createOptions(name, req)
	if err != nil {
		return backend.Sandbox{}, err
	}
	created, err := b.cli.ContainerCreate(ctx, opts)
	if cerrdefs.IsNotFound(err) {
		if b.opts.NoPull {
			return backend.Sandbox{}, fmt.Errorf("start: image %s: %w: not on the engine, and pulling is off: %w", opts.Config.Image, backend.ErrImageUnavailable, err)
		}
		// Like OpenHands (pull_if_missing): fetch the image on first use.
		if perr := b.pull(ctx, opts.Config.Image); perr != nil {
			return backend.Sandbox{}, fmt.Errorf("start: image %s: %w: not on the engine, and pulling it failed: %w", opts.Config.Image, backend.ErrImageUnavailable, perr)
		}
		created, err = b.cli.ContainerCreate(ctx, opts)
	}
	if err != nil {
		return backend.Sandbox{}, engineErr("create sandbox", name, err)
	}
	if _, err := b.cli.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		// Leave nothing half-made behind, even if ctx is what failed.
		rmctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		_, _ = b.cli.ContainerRemove(rmctx, created.ID, client.ContainerRemoveOptions{Force: true})
		return backend.Sandbox{}, engineErr("start sandbox", name, err)
	}
	res, err := b.cli.ContainerInspect(ctx, created.ID, client.ContainerInspectOptions{})
	if err != nil {
		return backend.Sandbox{}, engineErr("inspect", name, err)
	}
	rec, _ := recordFromInspect(b.opts.Prefixes, res.Container)
	b.cache.put(created.ID, *rec.det)
	return b.view(time.Now()).sandbox(rec, backend.Health{}), nil
}

// pull fetches an image and waits until the engine has it.
func (b *Backend) pull(ctx context.Context, image string) error {
	resp, err := b.cli.ImagePull(ctx, image, client.ImagePullOptions{})
	if err != nil {
		return err
	}
	defer resp.Close()
	return resp.Wait(ctx)
}

// createOptions builds the container configuration for a new sandbox.
func (b *Backend) createOptions(name string, req backend.StartRequest) (client.ContainerCreateOptions, error) {
	spec := b.opts.Spec
	image, cmd, dir := req.Image, req.Command, req.WorkingDir
	if image == "" {
		image = spec.Image
	}
	if cmd == nil {
		cmd = spec.Command
	}
	if dir == "" {
		dir = spec.WorkingDir
	}
	specID := req.SpecID
	if specID == "" {
		specID = image
	}
	env := maps.Clone(spec.Env)
	if env == nil {
		env = map[string]string{}
	}
	exposed := network.PortSet{}
	bindings := network.PortMap{}
	for _, p := range spec.Ports {
		port, ok := network.PortFrom(uint16(p.Port), network.TCP)
		if !ok || p.Port <= 0 || p.Port > 65535 {
			return client.ContainerCreateOptions{}, fmt.Errorf("sandbox spec: invalid port %d", p.Port)
		}
		exposed[port] = struct{}{}
		// An empty host port lets Docker pick a free one.
		bindings[port] = []network.PortBinding{{HostIP: b.bind}}
		// Newer OpenHands puts each service's container port in its env.
		env[p.Name] = strconv.Itoa(p.Port)
	}
	maps.Copy(env, req.Env)
	if env[envSessionKeyV1] == "" {
		key, err := newSessionKey()
		if err != nil {
			return client.ContainerCreateOptions{}, err
		}
		env[envSessionKeyV1] = key
	}
	envList := make([]string, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		envList = append(envList, k+"="+env[k])
	}
	labels := maps.Clone(b.opts.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	labels[labelSpecID] = specID
	var mounts []mount.Mount
	for _, m := range req.Mounts {
		mounts = append(mounts, mount.Mount{Type: mount.TypeBind, Source: m.HostPath, Target: m.ContainerPath, ReadOnly: m.ReadOnly})
	}
	initProc := true
	return client.ContainerCreateOptions{
		Name: name,
		Config: &container.Config{
			Image: image, Cmd: cmd, Env: envList, WorkingDir: dir,
			ExposedPorts: exposed, Labels: labels,
		},
		HostConfig: &container.HostConfig{
			PortBindings: bindings,
			Init:         &initProc,
			ExtraHosts:   []string{hostGateway},
			Mounts:       mounts,
		},
	}, nil
}

// inspectSandbox checks the id and inspects its container.
func (b *Backend) inspectSandbox(ctx context.Context, op, id string) (container.InspectResponse, error) {
	if _, err := checkID(b.opts.Prefixes, id); err != nil {
		return container.InspectResponse{}, fmt.Errorf("%s: %w", op, err)
	}
	res, err := b.cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return container.InspectResponse{}, engineErr(op, id, err)
	}
	return res.Container, nil
}

func stateOf(c container.InspectResponse) string {
	if c.State == nil {
		return ""
	}
	return normalizeState(string(c.State.Status))
}

// Pause freezes a running sandbox (docker pause: processes stop, ports stay
// published). Anything but a running sandbox is ErrConflict.
func (b *Backend) Pause(ctx context.Context, id string) error {
	c, err := b.inspectSandbox(ctx, "pause", id)
	if err != nil {
		return err
	}
	if st := stateOf(c); st != "running" {
		return fmt.Errorf("pause %s: it is %s, not running: %w", id, st, backend.ErrConflict)
	}
	if _, err := b.cli.ContainerPause(ctx, c.ID, client.ContainerPauseOptions{}); err != nil {
		return b.refused(ctx, "pause", id, "running", err)
	}
	return nil
}

// Resume unpauses a paused sandbox or starts a stopped one; a running one
// is left alone.
func (b *Backend) Resume(ctx context.Context, id string) error {
	c, err := b.inspectSandbox(ctx, "resume", id)
	if err != nil {
		return err
	}
	st := stateOf(c)
	switch st {
	case "paused":
		_, err = b.cli.ContainerUnpause(ctx, c.ID, client.ContainerUnpauseOptions{})
	case "exited", "created":
		_, err = b.cli.ContainerStart(ctx, c.ID, client.ContainerStartOptions{})
	case "running", "restarting":
		return nil
	default:
		return fmt.Errorf("resume %s: it is %s: %w", id, st, backend.ErrConflict)
	}
	if err != nil {
		return b.refused(ctx, "resume", id, st, err)
	}
	return nil
}

// Stop stops a sandbox's container (giving it StopTimeout to exit) and
// keeps it: it shows as PAUSED and Resume starts it again. A container
// that is not running is left as it is.
func (b *Backend) Stop(ctx context.Context, id string) error {
	c, err := b.inspectSandbox(ctx, "stop", id)
	if err != nil {
		return err
	}
	switch stateOf(c) {
	case "exited", "created", "dead":
		return nil
	}
	secs := int(b.opts.StopTimeout / time.Second)
	if _, err := b.cli.ContainerStop(ctx, c.ID, client.ContainerStopOptions{Timeout: &secs}); err != nil {
		return engineErr("stop", id, err)
	}
	return nil
}

// Delete stops a sandbox (giving it StopTimeout to exit), removes it, and
// removes its workspace volume openhands-workspace-<id> if there is one.
func (b *Backend) Delete(ctx context.Context, id string) error {
	if _, err := checkID(b.opts.Prefixes, id); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	if err := b.stopContainer(ctx, id); err != nil {
		return err
	}
	// Force: a restart policy may have started it again since the stop.
	_, err := b.cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true})
	if err != nil && !cerrdefs.IsNotFound(err) {
		return engineErr("remove", id, err)
	}
	vol := workspaceVolumePrefix + id
	if _, err := b.cli.VolumeRemove(ctx, vol, client.VolumeRemoveOptions{}); err != nil && !cerrdefs.IsNotFound(err) {
		return engineErr("sandbox deleted, but remove volume", vol, err)
	}
	return nil
}
