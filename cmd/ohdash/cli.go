package main

import (
	"context"
	"flag"
	"io"
	"strings"

	"github.com/ohdash/ohdash/cmd/ohdash/internal/config"
)

// runner runs a command once its flags are parsed.
type runner func(ctx context.Context, a *app, args []string) error

// command is one entry of the command table. The table drives parsing,
// help, and the shell completion scripts, so they cannot disagree.
type command struct {
	name    string
	args    string // positional arguments for the usage line: "SANDBOX..."
	summary string
	long    string
	// settings are the non-global setting flags the command takes
	// ("theme", "image"); global ones are always there.
	settings []string
	// minArgs/maxArgs bound the positional arguments (maxArgs < 0: any).
	minArgs, maxArgs int
	// complete says what positional arguments are, for completion:
	// "sandbox", "conversation", "shell", "backend", or a fixed list.
	complete []string
	// setup registers the command's own flags and returns its runner.
	setup func(fs *flag.FlagSet) runner
	// aliases are short flag names: "f" → "follow".
	aliases map[string]string
	subs    []*command
	hidden  bool
	// standalone commands need no configuration (help, version,
	// completion), so a broken file cannot stop them.
	standalone bool
	// tui commands take over the terminal.
	tui bool
}

// invocation is a parsed command line.
type invocation struct {
	cmd        *command
	path       string // "conv pause"
	run        runner
	args       []string
	configPath string
	flags      []config.FlagValue
	help       bool
}

// globalFlags registers --config and the global settings on fs; values go
// to inv in command-line order.
func globalFlags(fs *flag.FlagSet, inv *invocation) {
	fs.Func("config", "configuration file (default $XDG_CONFIG_HOME/ohdash/config.toml; env "+config.EnvConfig+")", func(v string) error {
		inv.configPath = v
		return nil
	})
	var names []string
	for _, s := range config.Settings() {
		if s.Global {
			names = append(names, s.Key)
		}
	}
	settingFlags(fs, names, inv)
	fs.BoolFunc("help", "show help", func(string) error {
		inv.help = true
		return nil
	})
	fs.BoolFunc("h", "show help", func(string) error {
		inv.help = true
		return nil
	})
}

// settingFlags registers the flags of the named settings.
func settingFlags(fs *flag.FlagSet, keys []string, inv *invocation) {
	for _, k := range keys {
		s, ok := config.Lookup(k)
		if !ok || s.Flag == "" {
			panic("ohdash: command table names unknown setting " + k) // programming error, caught by tests
		}
		set := func(v string) error {
			inv.flags = append(inv.flags, config.FlagValue{Key: s.Key, Value: v})
			return nil
		}
		usage := s.Usage + " (env " + s.Env + ")"
		if s.IsBool() {
			fs.BoolFunc(s.Flag, usage, set)
		} else {
			fs.Func(s.Flag, usage, set)
		}
	}
}

// newFlagSet returns a silent flag set: errors are reported by the caller
// with the command's usage.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseCommandLine finds the command and parses every flag, wherever it
// appears among the arguments. Without a command it is the dashboard.
func parseCommandLine(table []*command, args []string) (*invocation, error) {
	inv := &invocation{}
	dash := lookup(table, dashboardName)
	top := newFlagSet("ohdash")
	globalFlags(top, inv)
	settingFlags(top, dash.settings, inv)
	version := top.Bool("version", false, "print the version (as 'ohdash version')")
	if err := top.Parse(args); err != nil {
		return inv, usagef("%v", err)
	}
	rest := top.Args()
	if *version {
		// What people try first; the same as `ohdash version`.
		v := lookup(table, "version")
		inv.cmd, inv.path, inv.run = v, v.name, v.setup(newFlagSet("ohdash version"))
		return inv, nil
	}
	if len(rest) == 0 {
		inv.cmd, inv.run = dash, dash.setup(newFlagSet("ohdash"))
		return inv, nil
	}
	cmd := lookup(table, rest[0])
	if cmd == nil {
		return inv, usagef("unknown command %q%s (run 'ohdash help' for the list)", rest[0], didYouMean(rest[0], commandNames(table)))
	}
	path := cmd.name
	rest = rest[1:]
	for len(cmd.subs) > 0 {
		if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
			// A group without its subcommand: only help makes sense.
			fs := newFlagSet("ohdash " + path)
			globalFlags(fs, inv)
			_, _ = parseInterspersed(fs, rest)
			inv.cmd, inv.path = cmd, path
			if inv.help {
				return inv, nil
			}
			return inv, usagef("%s needs a subcommand: %s", path, subNames(cmd))
		}
		sub := lookup(cmd.subs, rest[0])
		if sub == nil {
			return inv, usagef("unknown subcommand %q of %s%s (one of %s)", rest[0], path, didYouMean(rest[0], commandNames(cmd.subs)), subNames(cmd))
		}
		cmd, path, rest = sub, path+" "+sub.name, rest[1:]
	}
	inv.cmd, inv.path = cmd, path
	fs := newFlagSet("ohdash " + path)
	globalFlags(fs, inv)
	settingFlags(fs, cmd.settings, inv)
	inv.run = cmd.setup(fs)
	addAliases(fs, cmd.aliases)
	pos, err := parseInterspersed(fs, expandShort(fs, cmd.aliases, rest))
	if err != nil {
		return inv, usagef("%s: %v", path, err)
	}
	inv.args = pos
	if !inv.help && (len(pos) < cmd.minArgs || (cmd.maxArgs >= 0 && len(pos) > cmd.maxArgs)) {
		return inv, usagef("usage: %s", usageLine(cmd, path))
	}
	return inv, nil
}

// parseInterspersed parses flags before, between and after positional
// arguments ("logs SANDBOX -f"); "--" ends the flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// expandShort accepts the short forms docker's own flags take: a value
// attached to a one-letter flag ("-n1" for "-n 1") and boolean one-letter
// flags run together ("-ft" for "-f -t"). Anything else is left for the
// flag package to judge, and nothing after "--" is touched.
func expandShort(fs *flag.FlagSet, aliases map[string]string, args []string) []string {
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) < 3 || a[0] != '-' || a[1] == '-' || strings.Contains(a, "=") || fs.Lookup(a[1:]) != nil {
			out = append(out, a)
			continue
		}
		out = append(out, splitShort(fs, aliases, a)...)
	}
	return out
}

// splitShort splits one "-xyz" argument, or returns it whole when it is
// not made of one-letter flags.
func splitShort(fs *flag.FlagSet, aliases map[string]string, a string) []string {
	var parts []string
	for j := 1; j < len(a); j++ {
		name := a[j : j+1]
		if _, ok := aliases[name]; !ok {
			return []string{a}
		}
		if !isBoolFlag(fs.Lookup(name)) {
			parts = append(parts, "-"+name)
			if j+1 < len(a) {
				parts = append(parts, a[j+1:])
			}
			return parts
		}
		parts = append(parts, "-"+name)
	}
	return parts
}

// addAliases registers short names sharing the long flag's value.
func addAliases(fs *flag.FlagSet, aliases map[string]string) {
	for short, long := range aliases {
		f := fs.Lookup(long)
		if f == nil {
			panic("ohdash: alias for unknown flag " + long)
		}
		fs.Var(f.Value, short, f.Usage)
	}
}

func lookup(table []*command, name string) *command {
	for _, c := range table {
		if c.name == name {
			return c
		}
	}
	return nil
}

func subNames(c *command) string {
	var n []string
	for _, s := range c.subs {
		n = append(n, s.name)
	}
	return strings.Join(n, ", ")
}

// usageLine is "ohdash logs [flags] SANDBOX".
func usageLine(c *command, path string) string {
	s := "ohdash " + path + " [flags]"
	if c.args != "" {
		s += " " + c.args
	}
	return s
}
