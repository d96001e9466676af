package remote

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"

	"github.com/ohdash/ohdash/backend"
)

// defaultCommand and defaultEnv are OpenHands' remote sandbox spec
// (PROTOCOL §5.3): the agent-server on 60000, VSCode on 60001, the worker
// ports the agent may serve web apps on.
var defaultCommand = []string{"/usr/local/bin/openhands-agent-server", "--port", strconv.Itoa(agentServerPort)}

func defaultEnv() map[string]string {
	return map[string]string{
		"OPENVSCODE_SERVER_ROOT": "/openhands/.openvscode-server",
		"OH_ENABLE_VNC":          "0",
		"LOG_JSON":               "true",
		"OH_CONVERSATIONS_PATH":  "/workspace/conversations",
		"OH_BASH_EVENTS_DIR":     "/workspace/bash_events",
		"OH_VSCODE_PORT":         strconv.Itoa(vscodePort),
		backend.URLWorker1:       strconv.Itoa(worker1Port),
		backend.URLWorker2:       strconv.Itoa(worker2Port),
	}
}

// startWorkingDir is what the app-server sends to /start.
const startWorkingDir = "/workspace"

// Start asks the runtime API for a new sandbox. As OpenHands does, the
// sandbox is recorded in the store before the call, so a runtime whose
// answer is lost (a timeout, a crash of ohdash) is still known and shown.
// The returned sandbox is usually STARTING; WaitReady follows it further.
func (b *Backend) Start(ctx context.Context, req backend.StartRequest) (backend.Sandbox, error) {
	body, err := b.startBody(req)
	if err != nil {
		return backend.Sandbox{}, err
	}
	id, err := newSandboxID()
	if err != nil {
		return backend.Sandbox{}, err
	}
	body.SessionID = id
	now := b.opts.Now()
	b.mu.Lock()
	e := b.entryLocked(id, now)
	e.rec.Image, e.rec.SpecID, e.rec.Command, e.rec.WorkingDir = body.Image, cmp.Or(req.SpecID, body.Image), body.Command, body.WorkingDir
	e.rec.ResourceFactor, e.rec.RuntimeClass = body.ResourceFactor, cmp.Or(req.RuntimeClass, b.opts.RuntimeClass)
	e.rec.CreatedBy, e.rec.StartedHere = b.opts.User, true
	e.rec.Status, e.rec.RawState, e.rec.StatusDetail = string(backend.StatusStarting), "requested", "start requested"
	e.startingSince, e.wokenAt = now, now
	b.mu.Unlock()
	if err := b.record(ctx, e); err != nil {
		b.forget(id)
		return backend.Sandbox{}, fmt.Errorf("not starting a sandbox ohdash could not record: %w", err)
	}

	rt, err := b.api.start(ctx, body)
	b.mu.Lock()
	if err != nil {
		// The runtime may exist anyway (the answer was lost): keep the
		// record, and let the next refresh ask the API about it.
		e.rec.Status, e.rec.StatusDetail = string(backend.StatusError), "start failed: "+err.Error()
		e.settled = false
	} else {
		if rt.PodStatus == "" {
			// /start does not report the pod; it has only just been asked for.
			rt.PodStatus = "pending"
		}
		e.observe(rt, now)
		e.startingSince = now
		e.settle(now, b.opts.StartTimeout)
	}
	b.mu.Unlock()
	saveErr := b.record(ctx, e)
	b.poke()
	if err != nil {
		// The id is ours and the runtime may exist (an answer lost, a
		// Ctrl-C after the request went out): say which one it would be.
		return backend.Sandbox{ID: id, Source: b.Name()}, fmt.Errorf("starting sandbox %s: %w", id, err)
	}
	sb, _ := b.sandbox(id)
	if saveErr != nil {
		return sb, fmt.Errorf("sandbox %s started, but its record was not updated: %w", id, saveErr)
	}
	return sb, nil
}

// startBody fills OpenHands' remote spec defaults into a start request.
func (b *Backend) startBody(req backend.StartRequest) (startBody, error) {
	if len(req.Mounts) > 0 {
		return startBody{}, fmt.Errorf("remote sandboxes cannot mount host paths: %w", backend.ErrUnsupported)
	}
	body := startBody{
		Image: req.Image, Command: req.Command, WorkingDir: req.WorkingDir,
		Environment: defaultEnv(), ResourceFactor: req.ResourceFactor,
		RunAsUser: b.opts.RunAsUser, RunAsGroup: b.opts.RunAsGroup, FSGroup: b.opts.FSGroup,
	}
	maps.Copy(body.Environment, req.Env)
	if body.Image == "" {
		body.Image = b.opts.Image
	}
	if len(body.Command) == 0 {
		body.Command = defaultCommand
	}
	if body.WorkingDir == "" {
		body.WorkingDir = startWorkingDir
	}
	if body.ResourceFactor == 0 {
		body.ResourceFactor = b.opts.ResourceFactor
	}
	if err := validResourceFactor(body.ResourceFactor); err != nil {
		return startBody{}, err
	}
	class := req.RuntimeClass
	if class == "" {
		class = b.opts.RuntimeClass
	}
	var err error
	if body.RuntimeClass, err = runtimeClass(class); err != nil {
		return startBody{}, err
	}
	return body, nil
}

// Pause pauses a sandbox (POST /pause); an unknown one is ErrNotFound.
func (b *Backend) Pause(ctx context.Context, id string) error {
	_, err := b.act(ctx, id, "/pause", "pause requested")
	return err
}

// Resume resumes a paused sandbox (POST /resume). The API may hand out a
// new session key, which replaces the old one.
func (b *Backend) Resume(ctx context.Context, id string) error {
	rt, err := b.act(ctx, id, "/resume", "resume requested")
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if e := b.known[id]; e != nil {
		if rt.SessionAPIKey != "" {
			e.key, e.urls = backend.NewSecret(rt.SessionAPIKey), nil
		}
		e.startingSince, e.paused503 = b.opts.Now(), ""
		e.wokenAt = e.startingSince
	}
	return nil
}

// Delete stops a sandbox's runtime (POST /stop; one the API no longer
// knows is fine) and forgets it, store record included.
func (b *Backend) Delete(ctx context.Context, id string) error {
	if err := checkID(id); err != nil {
		return err
	}
	rid, err := b.runtimeID(ctx, id)
	switch {
	case errors.Is(err, backend.ErrNotFound):
	case err != nil:
		return fmt.Errorf("delete %s: %w", id, err)
	default:
		if _, err := b.api.lifecycle(ctx, "/stop", rid); err != nil && !errors.Is(err, backend.ErrNotFound) {
			return fmt.Errorf("delete %s: %w", id, err)
		}
	}
	if st := b.opts.Store; st != nil {
		if err := st.Delete(ctx, b.apiURL, id); err != nil {
			return fmt.Errorf("sandbox %s stopped, but its record stays: %w", id, err)
		}
	}
	b.forget(id)
	b.poke()
	return nil
}

// act posts a lifecycle call for a sandbox and notes it in its detail.
func (b *Backend) act(ctx context.Context, id, path, note string) (runtimeInfo, error) {
	if err := checkID(id); err != nil {
		return runtimeInfo{}, err
	}
	verb := path[1:]
	rid, err := b.runtimeID(ctx, id)
	if err != nil {
		return runtimeInfo{}, fmt.Errorf("%s %s: %w", verb, id, err)
	}
	rt, err := b.api.lifecycle(ctx, path, rid)
	if err != nil {
		return rt, fmt.Errorf("%s %s: %w", verb, id, err)
	}
	b.mu.Lock()
	if e := b.known[id]; e != nil {
		e.rec.StatusDetail = note
	}
	b.mu.Unlock()
	b.poke()
	return rt, nil
}

// runtimeID finds the runtime behind a sandbox: from this refresh's /list
// when it is there, else from GET /sessions/{id} (a session may have been
// restarted under a new runtime since the store last saw it).
func (b *Backend) runtimeID(ctx context.Context, id string) (string, error) {
	b.mu.Lock()
	if e := b.known[id]; e != nil && e.inList && e.rt != nil && e.rt.runtimeID() != "" {
		rid := e.rt.runtimeID()
		b.mu.Unlock()
		return rid, nil
	}
	b.mu.Unlock()
	rt, err := b.api.session(ctx, id)
	if err != nil {
		return "", err
	}
	if rt.runtimeID() == "" {
		return "", fmt.Errorf("runtime API GET /sessions/%s: %w: no runtime_id", id, ErrMalformedResponse)
	}
	return rt.runtimeID(), nil
}

func (b *Backend) forget(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.known, id)
}
