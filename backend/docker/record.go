package docker

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"

	"github.com/ohdash/ohdash/backend"
)

// record is what ohdash knows about one sandbox container: the list entry,
// plus the details only an inspect tells (nil until inspected).
type record struct {
	ID      string
	Name    string
	Prefix  Prefix
	State   string
	Image   string
	Created time.Time
	Labels  map[string]string
	Ports   []backend.PortBinding
	det     *details
}

// details is what only ContainerInspect tells. Env never changes for a
// container; the rest changes only with its state, so an inspect is
// repeated only when an event or a re-list says the state changed.
type details struct {
	// State is the container state at the time of the inspect.
	State string
	// Created is precise to the nanosecond; the list gives whole seconds.
	Created      time.Time
	Env          []string
	WorkingDir   string
	TTY          bool
	StartedAt    time.Time
	FinishedAt   time.Time
	ExitCode     int
	OOMKilled    bool
	Error        string
	RestartCount int
	Command      []string
	// vars and envMap are Env parsed once, at the inspect: every snapshot
	// builds every sandbox again, and parsing 50 environments each time
	// was the largest part of that.
	vars   []backend.EnvVar
	envMap map[string]string
}

// env is the parsed environment (parsed here for details made otherwise
// than by detailsFromInspect). The slice is shared by every Sandbox built
// from these details: read-only, like the rest of a Sandbox.
func (d *details) env() ([]backend.EnvVar, map[string]string) {
	if d.envMap == nil {
		return parseEnv(d.Env)
	}
	return d.vars, d.envMap
}

// recordFromSummary converts a list entry; ok is false for containers
// outside the sandbox prefixes.
func recordFromSummary(prefixes []Prefix, s container.Summary) (record, bool) {
	name := containerName(s.Names)
	p, ok := match(prefixes, name)
	if !ok || !validName(name) { // an engine that answers any name is not trusted with the terminal
		return record{}, false
	}
	r := record{
		ID: s.ID, Name: name, Prefix: p, State: normalizeState(string(s.State)), Image: familiarImage(s.Image),
		Created: time.Unix(s.Created, 0), Labels: s.Labels,
	}
	for _, ps := range s.Ports {
		pb := backend.PortBinding{ContainerPort: int(ps.PrivatePort), Protocol: ps.Type, HostPort: int(ps.PublicPort)}
		if ps.IP.IsValid() {
			pb.HostIP = ps.IP.String()
		}
		r.Ports = append(r.Ports, pb)
	}
	return r, true
}

// recordFromInspect converts an inspect answer (after Start, or for a
// single sandbox); ok is false outside the sandbox prefixes.
func recordFromInspect(prefixes []Prefix, c container.InspectResponse) (record, bool) {
	name := strings.TrimPrefix(c.Name, "/")
	p, ok := match(prefixes, name)
	if !ok || !validName(name) {
		return record{}, false
	}
	det := detailsFromInspect(c)
	r := record{ID: c.ID, Name: name, Prefix: p, State: det.State, Created: det.Created, det: &det}
	if c.Config != nil {
		r.Image, r.Labels = familiarImage(c.Config.Image), c.Config.Labels
	}
	if c.NetworkSettings != nil {
		for port, binds := range c.NetworkSettings.Ports {
			for _, b := range binds {
				hp, _ := strconv.Atoi(b.HostPort)
				pb := backend.PortBinding{ContainerPort: int(port.Num()), Protocol: string(port.Proto()), HostPort: hp}
				if b.HostIP.IsValid() {
					pb.HostIP = b.HostIP.String()
				}
				r.Ports = append(r.Ports, pb)
			}
		}
		slices.SortFunc(r.Ports, func(a, b backend.PortBinding) int { return a.ContainerPort - b.ContainerPort })
	}
	return r, true
}

func detailsFromInspect(c container.InspectResponse) details {
	var d details
	d.Created = parseDockerTime(c.Created)
	if c.State != nil {
		d.State = normalizeState(string(c.State.Status))
		d.StartedAt = parseDockerTime(c.State.StartedAt)
		d.FinishedAt = parseDockerTime(c.State.FinishedAt)
		d.ExitCode, d.OOMKilled, d.Error = c.State.ExitCode, c.State.OOMKilled, c.State.Error
	}
	if c.Config != nil {
		d.Env, d.WorkingDir, d.TTY = c.Config.Env, c.Config.WorkingDir, c.Config.Tty
		d.Command = append(slices.Clone(c.Config.Entrypoint), c.Config.Cmd...)
	}
	d.RestartCount = c.RestartCount
	d.vars, d.envMap = parseEnv(d.Env)
	return d
}

// parseDockerTime reads Docker's RFC 3339 times; its "never" value
// (0001-01-01T00:00:00Z) becomes the zero time.
func parseDockerTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Year() <= 1 {
		return time.Time{}
	}
	return t
}

// view holds what building a Sandbox needs besides the record.
type view struct {
	source    string
	pattern   string
	jwtSecret string
	grace     time.Duration
	now       time.Time
	// engine is "Podman 4.3.1" or "Docker 20.10.24", empty when unknown.
	engine string
}

// sandbox builds the immutable Sandbox the UI shows.
func (v view) sandbox(r record, h backend.Health) backend.Sandbox {
	sb := backend.Sandbox{
		ID: r.Name, Instance: r.ID, Prefix: r.Prefix.Prefix, Source: v.source, Flavor: r.Prefix.Flavor, RawState: r.State,
		Image: r.Image, CreatedAt: r.Created, Labels: r.Labels, Ports: r.Ports,
		SpecID: r.Labels[labelSpecID], Health: h,
	}
	if sb.SpecID == "" {
		sb.SpecID = r.Image
	}
	if r.Prefix.Flavor == backend.FlavorNestedV0 {
		sb.ConversationID = strings.TrimPrefix(r.Name, r.Prefix.Prefix)
	}
	sb.Details = append(sb.Details, backend.Field{Name: "Container", Value: shortID(r.ID)})
	if v.engine != "" {
		sb.Details = append(sb.Details, backend.Field{Name: "Engine", Value: v.engine})
	}
	in := statusInput{State: r.State, Health: h, Grace: v.grace, Now: v.now}
	var env map[string]string
	if d := r.det; d != nil {
		sb.Env, env = d.env()
		sb.WorkingDir, sb.TTY, sb.StartedAt, sb.RestartCount = d.WorkingDir, d.TTY, d.StartedAt, d.RestartCount
		if !d.Created.IsZero() {
			sb.CreatedAt = d.Created
		}
		in.StartedAt, in.ExitCode, in.OOMKilled = d.StartedAt, d.ExitCode, d.OOMKilled
		// The exit code is current only if the inspect saw the same state.
		in.ExitKnown = d.State == r.State
		key, note := sessionKey(sb.Flavor, env, v.jwtSecret, sb.ConversationID)
		sb.SessionAPIKey = backend.NewSecret(key)
		if note != "" {
			sb.Details = append(sb.Details, backend.Field{Name: "Session key", Value: note})
		}
		if len(d.Command) > 0 {
			sb.Details = append(sb.Details, backend.Field{Name: "Command", Value: strings.Join(d.Command, " ")})
		}
		if !d.FinishedAt.IsZero() && r.State != "running" {
			sb.Details = append(sb.Details, backend.Field{Name: "Finished", Value: d.FinishedAt.Format(time.RFC3339)})
		}
		if d.Error != "" {
			sb.Details = append(sb.Details, backend.Field{Name: "Engine error", Value: d.Error})
		}
	}
	sb.Status, sb.StatusDetail = sandboxStatus(in)
	sb.ExposedURLs = exposedURLs(urlInput{
		Flavor: sb.Flavor, Pattern: v.pattern, Ports: r.Ports, Env: env,
		Key: sb.SessionAPIKey.Reveal(), WorkingDir: sb.WorkingDir,
	})
	if h.Detail != "" {
		sb.Details = append(sb.Details, backend.Field{Name: "Health", Value: h.Detail})
	}
	return sb
}

// agentURL is where a record's agent-server answers, if known.
func (v view) agentURL(r record) string {
	var env map[string]string
	if r.det != nil {
		_, env = r.det.env()
	}
	for _, u := range exposedURLs(urlInput{Flavor: r.Prefix.Flavor, Pattern: v.pattern, Ports: r.Ports, Env: env}) {
		if u.Name == backend.URLAgentServer {
			return u.URL
		}
	}
	return ""
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
