package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend/alert"
)

// AlertsConfig is the [alerts] table: which channels tell a person that a
// conversation or sandbox needs them, which kinds, and how often.
type AlertsConfig struct {
	// Bell rings the terminal bell; OSC9 and OSC777 send a desktop
	// notification through the terminal (over SSH too).
	Bell   bool `toml:"bell"`
	OSC9   bool `toml:"osc9"`
	OSC777 bool `toml:"osc777"`
	// Command is run, without a shell, with the alert as JSON on stdin;
	// empty: none.
	Command []string `toml:"command"`
	// CommandTimeout bounds one run of Command.
	CommandTimeout Duration `toml:"command_timeout"`
	// Kinds are the alert kinds sent (empty: every kind).
	Kinds []string `toml:"kinds"`
	// RatePerMinute is how many alerts each channel sends in a minute;
	// the rest are summed up in one "suppressed" alert (0: no limit).
	RatePerMinute int `toml:"rate_per_minute"`
}

// defaultAlerts: every channel off (a bell nobody asked for is noise),
// the dashboard's list of recent alerts always on.
func defaultAlerts() AlertsConfig {
	return AlertsConfig{CommandTimeout: Duration(alert.DefaultHookTimeout), RatePerMinute: 6}
}

// AlertKinds returns the configured kinds as alert kinds (nil: every kind).
func (c *Config) AlertKinds() []alert.Kind {
	var out []alert.Kind
	for _, k := range c.Alerts.Kinds {
		out = append(out, alert.Kind(k))
	}
	return out
}

// validateAlerts refuses kinds ohdash does not know and a command line
// whose program is empty, with the file line.
func (c *Config) validateAlerts() error {
	for _, k := range c.Alerts.Kinds {
		if !alert.Kind(k).Valid() || alert.Kind(k) == alert.Suppressed {
			names := make([]string, len(alert.Kinds))
			for i, k := range alert.Kinds {
				names[i] = string(k)
			}
			return fmt.Errorf("%salerts.kinds: %q is not one of %s", c.lineOf("alerts", "kinds"), k, strings.Join(names, ", "))
		}
	}
	if len(c.Alerts.Command) > 0 && strings.TrimSpace(c.Alerts.Command[0]) == "" {
		return fmt.Errorf("%salerts.command: the first element must name a program", c.lineOf("alerts", "command"))
	}
	if c.Alerts.RatePerMinute < 0 {
		return fmt.Errorf("alerts.rate_per_minute: %d is negative (0 means no limit)", c.Alerts.RatePerMinute)
	}
	if d := c.Alerts.CommandTimeout.Std(); d <= 0 || d > time.Hour {
		return fmt.Errorf("alerts.command_timeout: %s is not between 0 and 1h", d)
	}
	return nil
}

// lastAlertSetting is the last [alerts] key of the settings table; the
// lists are printed after it, inside the table.
const lastAlertSetting = "alerts.command_timeout"

// printAlertLists writes the [alerts] keys that are lists (the settings
// table holds scalars): right after the last scalar of the table.
func (c *Config) printAlertLists(p *printer) {
	if len(c.Alerts.Command) > 0 {
		p.kv("command", tomlValue(maskValue(c.Alerts.Command)), SourceFile)
	} else {
		p.kv("command", "[]", "no hook command")
	}
	if len(c.Alerts.Kinds) > 0 {
		p.kv("kinds", tomlValue(c.Alerts.Kinds), SourceFile)
	} else {
		p.kv("kinds", "[]", "every kind")
	}
}
