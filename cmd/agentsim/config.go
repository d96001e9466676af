package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend/sim/agentserver"
	"github.com/ohdash/ohdash/backend/sim/faults"
	"github.com/ohdash/ohdash/backend/sim/wire"
)

// config is everything agentsim needs, read from flags and environment
// (a flag wins over its variable, a variable over the default).
type config struct {
	addr      string
	mode      string // "v1" (agent-server) or "v0" (nested V0 server)
	keys      wire.Keys
	version   string
	pace      time.Duration
	confirm   string
	model     string
	seed      agentserver.SeedSpec
	seedCount int
	faults    faults.Config
	content   agentserver.Content
	variant   agentserver.Variant
	accessLog bool
	// V0 only.
	conversationID string
	title          string
	startDelay     time.Duration
	stopDelay      time.Duration
	logs           logConfig
	load           loadConfig
}

// envFlags registers flags whose defaults come from environment variables
// and remembers the first parse error of a variable.
type envFlags struct {
	fs     *flag.FlagSet
	getenv func(string) string
	err    error
}

func (e *envFlags) note(name string, err error) {
	if err != nil && e.err == nil {
		e.err = fmt.Errorf("%s: %w", name, err)
	}
}

func (e *envFlags) str(p *string, name, env, def, usage string) {
	if v := e.getenv(env); v != "" {
		def = v
	}
	e.fs.StringVar(p, name, def, usage+" ($"+env+")")
}

func (e *envFlags) dur(p *time.Duration, name, env string, def time.Duration, usage string) {
	if v := e.getenv(env); v != "" {
		d, err := time.ParseDuration(v)
		e.note(env, err)
		def = d
	}
	e.fs.DurationVar(p, name, def, usage+" ($"+env+")")
}

func (e *envFlags) num(p *int, name, env string, def int, usage string) {
	if v := e.getenv(env); v != "" {
		n, err := strconv.Atoi(v)
		e.note(env, err)
		def = n
	}
	e.fs.IntVar(p, name, def, usage+" ($"+env+")")
}

func (e *envFlags) float(p *float64, name, env string, def float64, usage string) {
	if v := e.getenv(env); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		e.note(env, err)
		def = f
	}
	e.fs.Float64Var(p, name, def, usage+" ($"+env+")")
}

func (e *envFlags) boolean(p *bool, name, env string, usage string) {
	def := false
	if v := e.getenv(env); v != "" {
		b, err := strconv.ParseBool(v)
		e.note(env, err)
		def = b
	}
	e.fs.BoolVar(p, name, def, usage+" ($"+env+")")
}

const usageHead = `agentsim emulates an OpenHands agent-server (V1, default) or a V0 nested
server for ohdash's tests and demo. Every flag can also be set by the
environment variable shown with it; a flag wins over its variable.

Session keys (V1): OH_SESSION_API_KEYS_0, _1, … or a JSON list in
OH_SESSION_API_KEYS, else SESSION_API_KEY; none = auth off.
Session key (V0): SESSION_API_KEY. V0 listens on $port (lower case) and
hosts conversation $OPENHANDS_SESSION_ID.

Control routes (same key, never faulted): /_sim/state, /_sim/conversations,
/_sim/faults, /_sim/pace, /_sim/content, … (see backend/sim/*/control.go).

Flags:
`

func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("agentsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageHead)
		fs.PrintDefaults()
	}
	e := &envFlags{fs: fs, getenv: getenv}
	var c config
	var port int
	host := ""
	e.str(&c.mode, "mode", "AGENTSIM_MODE", "v1", "v1 (agent-server) or v0 (nested V0 server)")
	e.str(&host, "host", "AGENTSIM_HOST", "0.0.0.0", "address to listen on")
	e.num(&port, "port", "AGENTSIM_PORT", 8000, "port to listen on (V0: $port when this is not set)")
	e.str(&c.version, "version", "AGENTSIM_VERSION", agentserver.DefaultVersion.String(), "agent-server release to play, e.g. 1.44.0 or 1.1.0")
	legacy := fs.Bool("legacy", false, "shorthand for -version "+agentserver.LegacyVersion.String())
	e.dur(&c.pace, "pace", "AGENTSIM_PACE", 250*time.Millisecond, "pause between the scripted agent's steps")
	e.str(&c.confirm, "confirmation", "AGENTSIM_CONFIRMATION", agentserver.NeverConfirm, "confirmation policy: NeverConfirm, AlwaysConfirm or ConfirmRisky")
	e.str(&c.model, "model", "AGENTSIM_MODEL", "", "LLM model name reported by conversations")
	e.num(&c.seedCount, "seed-conversations", "AGENTSIM_SEED_CONVERSATIONS", 0, "conversations to create at start")
	e.num(&c.seed.Turns, "seed-turns", "AGENTSIM_SEED_TURNS", 3, "scripted turns of history per seeded conversation")
	e.num(&c.seed.Events, "seed-events", "AGENTSIM_SEED_EVENTS", 0, "bulk events appended to each seeded conversation")
	e.str(&c.seed.Status, "seed-status", "AGENTSIM_SEED_STATUS", "", "final status of seeded conversations (idle, running, paused, waiting_for_confirmation, finished, error, stuck)")
	e.str(&c.seed.ID, "seed-id", "AGENTSIM_SEED_ID", "", "id of the first seeded conversation")
	var latency, dropAfter time.Duration
	e.dur(&latency, "latency", "AGENTSIM_LATENCY", 0, "fault: delay every answer")
	e.boolean(&c.faults.Hang, "hang", "AGENTSIM_HANG", "fault: never answer")
	e.float(&c.faults.ErrorRate, "error-rate", "AGENTSIM_ERROR_RATE", 0, "fault: share of requests answered with a 500")
	e.dur(&dropAfter, "ws-drop-after", "AGENTSIM_WS_DROP_AFTER", 0, "fault: cut every websocket after this long")
	e.float(&c.faults.WSDropRate, "ws-drop-rate", "AGENTSIM_WS_DROP_RATE", 0, "fault: chance of cutting a websocket before each frame")
	e.num(&c.faults.MalformedEvery, "malformed-every", "AGENTSIM_MALFORMED_EVERY", 0, "fault: send a malformed frame before every Nth frame")
	e.boolean(&c.content.Hostile, "hostile", "AGENTSIM_HOSTILE", "agent output carries escape sequences and invalid UTF-8")
	e.num(&c.content.OversizedBytes, "oversized-bytes", "AGENTSIM_OVERSIZED_BYTES", 0, "pad every observation to this many bytes")
	var ignore string
	e.str(&ignore, "ignore-params", "AGENTSIM_IGNORE_PARAMS", "", "variant: event-search query parameters to ignore silently, comma-separated (sort_order, timestamp__lt, timestamp__gte, page_id) or all (every one but page_id)")
	e.str(&c.variant.HealthShape, "health-shape", "AGENTSIM_HEALTH_SHAPE", "", "variant: /health answers object ({\"status\":\"ok\"}), string (JSON \"OK\") or text (plain OK); default as the played release")
	e.boolean(&c.accessLog, "access-log", "AGENTSIM_ACCESS_LOG", "log every request and websocket warnings to stderr")
	e.str(&c.conversationID, "conversation-id", "OPENHANDS_SESSION_ID", "", "V0: the hosted conversation id")
	e.str(&c.title, "title", "AGENTSIM_TITLE", "", "V0: the conversation title")
	e.dur(&c.startDelay, "start-delay", "AGENTSIM_START_DELAY", 0, "V0: time spent STARTING")
	e.dur(&c.stopDelay, "stop-delay", "AGENTSIM_STOP_DELAY", 500*time.Millisecond, "V0: delay before a stop takes effect")
	e.num(&c.load.burn, "burn-cpu", "AGENTSIM_BURN_CPU", 0, "load: goroutines that keep a CPU core busy each")
	e.num(&c.load.allocMB, "alloc-mb", "AGENTSIM_ALLOC_MB", 0, "load: MiB of memory to allocate, touch and hold")
	lc, err := logConfigFromEnv(getenv)
	if err != nil {
		return c, err
	}
	fs.IntVar(&lc.lines, "log-lines", lc.lines, "log lines to write, -1 forever ($AGENTSIM_LOG_LINES)")
	fs.Float64Var(&lc.rate, "log-rate", lc.rate, "log lines per second, 0 as fast as possible ($AGENTSIM_LOG_RATE)")
	fs.StringVar(&lc.shape, "log-shape", lc.shape, "numbered, long, hostile or mixed ($AGENTSIM_LOG_SHAPE)")
	fs.IntVar(&lc.stderrEvery, "log-stderr-every", lc.stderrEvery, "write every Nth line to stderr ($AGENTSIM_LOG_STDERR_EVERY)")
	fs.IntVar(&lc.width, "log-width", lc.width, "bytes per numbered line, newline included ($AGENTSIM_LOG_WIDTH)")
	if e.err != nil {
		return c, e.err
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if err := lc.validate(); err != nil {
		return c, err
	}
	c.logs = lc
	if err := c.load.validate(); err != nil {
		return c, err
	}
	if *legacy {
		c.version = agentserver.LegacyVersion.String()
	}
	c.faults.Latency, c.faults.WSDropAfter = faults.Duration(latency), faults.Duration(dropAfter)
	if err := c.faults.Validate(); err != nil {
		return c, err
	}
	c.variant.IgnoreParams = agentserver.ParseIgnoreParams(ignore)
	if err := c.variant.Validate(); err != nil {
		return c, err
	}
	switch c.mode = strings.ToLower(c.mode); c.mode {
	case "v1":
		if c.keys, err = wire.KeysFromEnv(getenv); err != nil {
			return c, err
		}
	case "v0":
		if k := getenv("SESSION_API_KEY"); k != "" {
			c.keys = wire.Keys{k}
		}
		if !isFlagSet(fs, "port") && getenv("AGENTSIM_PORT") == "" && getenv("port") != "" {
			if port, err = strconv.Atoi(getenv("port")); err != nil {
				return c, fmt.Errorf("port: %w", err)
			}
		}
	default:
		return c, fmt.Errorf("mode %q: want v1 or v0", c.mode)
	}
	if c.seedCount < 0 {
		return c, fmt.Errorf("seed-conversations must not be negative")
	}
	c.addr = fmt.Sprintf("%s:%d", host, port)
	return c, nil
}

func isFlagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
