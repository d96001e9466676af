package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Setting is one scalar configuration value that can come from the file,
// an environment variable and (for some) a flag. The table below is the
// single place that names them, so the loader, the flag parser, the
// completion scripts, `ohdash config` and the README agree.
type Setting struct {
	// Key is the TOML key ("logs.max_lines").
	Key string
	// Env is the environment variable ("OHDASH_LOGS_MAX_LINES").
	Env string
	// Flag is the command-line flag without dashes ("" when none).
	Flag string
	// Global flags work with every command; the others only with the
	// commands that list them.
	Global bool
	// Usage is one line for help texts.
	Usage string
	// Enum lists the accepted values of a string setting (nil: any).
	Enum []string
	// Arg names the flag's value in help ("PATH"); enums list their values.
	Arg   string
	field func(*Config) any
}

// ArgName is how help shows the flag's value.
func (s Setting) ArgName() string {
	if s.Enum != nil {
		return strings.Join(s.Enum, "|")
	}
	if s.Arg != "" {
		return s.Arg
	}
	return "VALUE"
}

// IsBool reports whether the setting is a switch (a flag without value).
func (s Setting) IsBool() bool {
	c := Default()
	_, ok := s.field(&c).(*bool)
	return ok
}

// Settings lists every scalar setting, in the order `ohdash config`
// prints them.
func Settings() []Setting {
	list := []Setting{
		{Key: "readonly", Flag: "readonly", Global: true, Usage: "disable every action that changes a sandbox or a conversation",
			field: func(c *Config) any { return &c.ReadOnly }},
		{Key: "backend", Arg: "NAME", Flag: "backend", Global: true, Usage: "the backend (by name) that commands act on",
			field: func(c *Config) any { return &c.Backend }},
		{Key: "theme", Flag: "theme", Usage: "colour theme", Enum: []string{"auto", "dark", "light"},
			field: func(c *Config) any { return &c.Theme }},
		{Key: "mouse", Flag: "mouse", Usage: "start with mouse capture on (toggle with M)",
			field: func(c *Config) any { return &c.Mouse }},
		{Key: "low_bandwidth", Flag: "low-bandwidth", Usage: "fewer frames and no animations, for slow links",
			field: func(c *Config) any { return &c.LowBandwidth }},
		{Key: "image", Arg: "IMAGE", Flag: "image", Usage: "image that new sandboxes start from (default: the backend's agent-server image)",
			field: func(c *Config) any { return &c.Image }},
		{Key: "action_timeout", Usage: "time limit of one lifecycle action",
			field: func(c *Config) any { return &c.ActionTimeout }},
		{Key: "log_file", Arg: "PATH", Flag: "log-file", Global: true, Usage: "write structured debug logs to this file (secrets masked)",
			field: func(c *Config) any { return &c.LogFile }},
		{Key: "log_level", Flag: "log-level", Global: true, Usage: "level of the log file", Enum: []string{"debug", "info", "warn", "error"},
			field: func(c *Config) any { return &c.LogLevel }},
		{Key: "audit_log", Arg: "PATH", Flag: "audit-log", Global: true, Usage: "file that records every action taken (\"off\" to disable)",
			field: func(c *Config) any { return &c.AuditLog }},
		{Key: "state_file", Usage: "where remote backends remember the sandboxes they started",
			field: func(c *Config) any { return &c.StateFile }},
		// Top-level keys come before the tables: `ohdash config` prints them in order.
		{Key: "shell", Arg: "PATH", Flag: "shell", Usage: "shell that e and 'ohdash exec' start in a sandbox (default: bash if present, else sh)",
			field: func(c *Config) any { return &c.Shell }},
		{Key: "stats_interval", Usage: "how often the dashboard samples the resource use of the sandboxes on screen (\"off\" never)",
			field: func(c *Config) any { return &c.StatsInterval }},
		{Key: "logs.tail", Usage: "log lines of history the dashboard starts with (-1: all)",
			field: func(c *Config) any { return &c.Logs.Tail }},
		{Key: "logs.max_lines", Usage: "most log lines a log pane holds",
			field: func(c *Config) any { return &c.Logs.MaxLines }},
		{Key: "logs.max_bytes", Usage: "most bytes of log text a log pane holds",
			field: func(c *Config) any { return &c.Logs.MaxBytes }},
		{Key: "refresh.remote_poll", Usage: "runtime API polling interval",
			field: func(c *Config) any { return &c.Refresh.RemotePoll }},
		{Key: "refresh.docker_debounce", Usage: "Docker events are coalesced for this long into one re-list",
			field: func(c *Config) any { return &c.Refresh.DockerDebounce }},
		{Key: "refresh.docker_safety_relist", Usage: "slow Docker re-list that catches drift (at least 30s)",
			field: func(c *Config) any { return &c.Refresh.DockerSafetyRelist }},
		{Key: "refresh.health_reprobe", Usage: "how often a healthy agent-server is probed again",
			field: func(c *Config) any { return &c.Refresh.HealthReprobe }},
		{Key: "budget.per_hour", Arg: "USD", Usage: "alert when the agents spend more than this in an hour (0: no limit)",
			field: func(c *Config) any { return &c.Budget.PerHour }},
		{Key: "budget.per_day", Arg: "USD", Usage: "alert when the agents spend more than this in a UTC day (0: no limit)",
			field: func(c *Config) any { return &c.Budget.PerDay }},
		{Key: "budget.pause_when_crossed", Usage: "pause running conversations when a budget is crossed (audited)",
			field: func(c *Config) any { return &c.Budget.PauseWhenCrossed }},
		{Key: "alerts.bell", Usage: "ring the terminal bell on an alert",
			field: func(c *Config) any { return &c.Alerts.Bell }},
		{Key: "alerts.osc9", Usage: "desktop notification through the terminal (OSC 9: iTerm2, WezTerm, kitty, Windows Terminal)",
			field: func(c *Config) any { return &c.Alerts.OSC9 }},
		{Key: "alerts.osc777", Usage: "desktop notification through the terminal (OSC 777: urxvt, foot, VTE terminals)",
			field: func(c *Config) any { return &c.Alerts.OSC777 }},
		{Key: "alerts.rate_per_minute", Usage: "most alerts each channel sends in a minute (0: no limit)",
			field: func(c *Config) any { return &c.Alerts.RatePerMinute }},
		{Key: "alerts.command_timeout", Usage: "time limit of one run of alerts.command",
			field: func(c *Config) any { return &c.Alerts.CommandTimeout }},
	}
	for i := range list {
		list[i].Env = EnvName(list[i].Key)
	}
	return list
}

// EnvName derives a setting's environment variable from its key:
// OHDASH_ and the upper-cased key with dots as underscores.
func EnvName(key string) string {
	return "OHDASH_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Lookup returns the setting with the given key or flag name.
func Lookup(name string) (Setting, bool) {
	for _, s := range Settings() {
		if s.Key == name || (s.Flag != "" && s.Flag == name) {
			return s, true
		}
	}
	return Setting{}, false
}

// set parses text into the setting's field of c.
func (s Setting) set(c *Config, text string) error {
	if s.Enum != nil && !slices.Contains(s.Enum, text) {
		return fmt.Errorf("%s: %q is not one of %s", s.Key, text, strings.Join(s.Enum, ", "))
	}
	switch p := s.field(c).(type) {
	case *bool:
		v, err := parseBool(text)
		if err != nil {
			return fmt.Errorf("%s: %w", s.Key, err)
		}
		*p = v
	case *string:
		*p = text
	case *int:
		v, err := strconv.Atoi(strings.TrimSpace(text))
		if err != nil {
			return fmt.Errorf("%s: %q is not a whole number", s.Key, text)
		}
		*p = v
	case *Duration:
		if err := p.UnmarshalText([]byte(text)); err != nil {
			return fmt.Errorf("%s: %w", s.Key, err)
		}
	case *ByteSize:
		if err := p.UnmarshalText([]byte(text)); err != nil {
			return fmt.Errorf("%s: %w", s.Key, err)
		}
	case *float64:
		v, err := parseUSD(text)
		if err != nil {
			return fmt.Errorf("%s: %w", s.Key, err)
		}
		*p = v
	case *Interval:
		if err := p.UnmarshalText([]byte(text)); err != nil {
			return fmt.Errorf("%s: %w", s.Key, err)
		}
	default:
		return fmt.Errorf("%s: unsupported setting type %T", s.Key, p)
	}
	return nil
}

// Value returns the setting's current value in c, as it would be written.
func (s Setting) Value(c *Config) string {
	switch p := s.field(c).(type) {
	case *bool:
		return strconv.FormatBool(*p)
	case *string:
		return *p
	case *int:
		return strconv.Itoa(*p)
	case *Duration:
		b, _ := p.MarshalText()
		return string(b)
	case *ByteSize:
		b, _ := p.MarshalText()
		return string(b)
	case *float64:
		return strconv.FormatFloat(*p, 'f', -1, 64)
	case *Interval:
		b, _ := p.MarshalText()
		return string(b)
	}
	return ""
}

// raw returns the field's value for TOML/JSON encoding.
func (s Setting) raw(c *Config) any {
	switch p := s.field(c).(type) {
	case *bool:
		return *p
	case *string:
		return *p
	case *int:
		return *p
	case *float64:
		return *p
	}
	return s.Value(c)
}
