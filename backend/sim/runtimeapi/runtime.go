package runtimeapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// StartRequest is the body of POST /start, as OpenHands' clients send it.
type StartRequest struct {
	Image       string            `json:"image"`
	Command     Command           `json:"command"`
	WorkingDir  string            `json:"working_dir"`
	Environment map[string]string `json:"environment"`
	SessionID   string            `json:"session_id"`
	// ResourceFactor is 1, 2, 4 or 8 (0 means 1).
	ResourceFactor  int    `json:"resource_factor"`
	RuntimeClass    string `json:"runtime_class,omitempty"`
	RunAsUser       *int   `json:"run_as_user,omitempty"`
	RunAsGroup      *int   `json:"run_as_group,omitempty"`
	FSGroup         *int   `json:"fs_group,omitempty"`
	ImagePullPolicy string `json:"image_pull_policy,omitempty"`
}

// Command accepts both shapes clients send: a list of arguments (the
// app-server, V0) or one string (the SDK workspace).
type Command []string

// UnmarshalJSON takes a string or a list of strings.
func (c *Command) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*c = Command{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("command must be a string or a list of strings")
	}
	*c = many
	return nil
}

// RuntimeInfo is one runtime as the API reports it.
type RuntimeInfo struct {
	RuntimeID      string         `json:"runtime_id"`
	SessionID      string         `json:"session_id,omitempty"`
	URL            string         `json:"url"`
	SessionAPIKey  string         `json:"session_api_key"`
	Status         string         `json:"status"`
	PodStatus      string         `json:"pod_status,omitempty"`
	WorkHosts      map[string]int `json:"work_hosts,omitempty"`
	RestartCount   int            `json:"restart_count"`
	RestartReasons []string       `json:"restart_reasons"`
	Image          string         `json:"image,omitempty"`
	ResourceFactor int            `json:"resource_factor,omitempty"`
	UptimeSeconds  *int64         `json:"uptime_seconds,omitempty"`
}

type runState int

const (
	stateActive runState = iota
	statePaused
	stateStopped
)

// runtime is the simulator's record of one runtime. Its status is not
// stored but computed from timestamps on each request, so no goroutine or
// timer is needed per runtime and a manual clock moves every runtime at once.
type runtime struct {
	id, session, key string
	req              StartRequest
	behavior         Behavior
	created          time.Time
	// phaseStart is when the pod was (re)scheduled: start, resume, restart.
	phaseStart time.Time
	state      runState
	// stateAt is when the runtime was paused or stopped.
	stateAt        time.Time
	restartReasons []string
	// urlStatus, when non-zero, is what the runtime's URL answers.
	urlStatus int
	handler   http.Handler
	// enc caches the runtime's JSON for the facts it was made from.
	enc    []byte
	encKey encKey
}

// encKey is everything a runtime's JSON depends on.
type encKey struct {
	status, pod, key string
	base             publicBase
	restarts         int
	uptime           int64
}

// encode returns the runtime's JSON, re-encoding only when it changed.
func (r *runtime) encode(now time.Time, cfg *Config, base publicBase) []byte {
	st, pod := r.status(now, cfg)
	k := encKey{status: st, pod: pod, key: r.key, base: base, restarts: len(r.restartReasons)}
	if cfg.UptimeField {
		k.uptime = int64(now.Sub(r.created) / time.Second)
	}
	if r.enc == nil || k != r.encKey {
		r.enc, _ = json.Marshal(r.info(now, cfg, base))
		r.encKey = k
	}
	return r.enc
}

// status returns the runtime API's status and pod_status at now.
func (r *runtime) status(now time.Time, cfg *Config) (status, pod string) {
	switch {
	case r.state == stateStopped:
		return "stopped", "not found"
	case r.state == statePaused:
		return "paused", "not found"
	case r.behavior.CrashLoop:
		return "error", "crashloopbackoff"
	}
	up := now.Sub(r.phaseStart)
	switch {
	case up < cfg.PendingFor:
		return "starting", "pending"
	case r.behavior.NeverReady || up < cfg.PendingFor+cfg.ReadyAfter:
		// The hosted API says "running" while the pod is not ready yet;
		// clients must look at pod_status (PROTOCOL §5.3).
		return "running", "running"
	default:
		return "running", "ready"
	}
}

func (r *runtime) ready(now time.Time, cfg *Config) bool {
	_, pod := r.status(now, cfg)
	return pod == "ready"
}

// info renders the runtime for a response; base is the public URL base.
func (r *runtime) info(now time.Time, cfg *Config, base publicBase) RuntimeInfo {
	st, pod := r.status(now, cfg)
	info := RuntimeInfo{
		RuntimeID:      r.id,
		SessionID:      r.session,
		URL:            base.runtimeURL(cfg.Routing, r.id, ""),
		SessionAPIKey:  r.key,
		Status:         st,
		PodStatus:      pod,
		WorkHosts:      map[string]int{base.runtimeURL(cfg.Routing, r.id, "work-1"): 12000, base.runtimeURL(cfg.Routing, r.id, "work-2"): 12001},
		RestartCount:   len(r.restartReasons),
		RestartReasons: slices.Clone(r.restartReasons),
		Image:          r.req.Image,
		ResourceFactor: r.req.ResourceFactor,
	}
	if cfg.UptimeField {
		up := int64(now.Sub(r.created) / time.Second)
		info.UptimeSeconds = &up
	}
	return info
}

// listed reports whether /list still shows the runtime.
func (r *runtime) listed(now time.Time, cfg *Config) bool {
	return r.state != stateStopped || now.Sub(r.stateAt) < cfg.ListStoppedFor
}

// forgotten reports whether the API no longer knows the runtime at all.
func (r *runtime) forgotten(now time.Time, cfg *Config) bool {
	return r.state == stateStopped && cfg.ForgetStoppedAfter > 0 && now.Sub(r.stateAt) >= cfg.ForgetStoppedAfter
}

// publicBase is where runtime URLs point: scheme and host:port.
type publicBase struct{ scheme, host string }

func (b publicBase) runtimeURL(routing Routing, runtimeID, service string) string {
	if routing == SubdomainRouting {
		label := runtimeID
		if service != "" {
			label = service + "-" + runtimeID
		}
		return fmt.Sprintf("%s://%s.%s", b.scheme, label, b.host)
	}
	u := fmt.Sprintf("%s://%s/%s", b.scheme, b.host, runtimeID)
	if service != "" {
		u += "/" + service
	}
	return u
}
