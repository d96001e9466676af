package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ohdash/ohdash/cmd/ohdash/internal/config"
)

const overview = `ohdash: a terminal dashboard for OpenHands sandboxes and the agent conversations in them.

Usage:
  ohdash [flags]                     open the dashboard
  ohdash COMMAND [flags] [ARGS]      run one command (for scripts: see --json)
`

const exitCodes = `Exit codes: 0 ok, 1 the operation failed, 2 usage or configuration error,
3 not found, 4 a backend could not be reached, 130 interrupted.`

const configHelp = `Prints the configuration in effect, as a TOML file you could save: every setting with
where its value came from (default, file, env, flag), every backend, every key binding.
Secrets are masked. Precedence: defaults < file < OHDASH_* variables < flags.`

func setupHelp(*flag.FlagSet) runner {
	return func(_ context.Context, a *app, args []string) error {
		table := commands()
		if len(args) == 0 {
			writeHelp(a.io.out, table, lookup(table, dashboardName), "")
			return nil
		}
		cmd, path := lookup(table, args[0]), args[0]
		for _, sub := range args[1:] {
			if cmd == nil {
				break
			}
			cmd, path = lookup(cmd.subs, sub), path+" "+sub
		}
		if cmd == nil {
			return usagef("no command %q", path)
		}
		writeHelp(a.io.out, table, cmd, path)
		return nil
	}
}

// writeHelp prints the overview (path "") or one command's help.
func writeHelp(w io.Writer, table []*command, cmd *command, path string) {
	if path == "" {
		fmt.Fprint(w, overview)
		fmt.Fprintln(w, "\nCommands:")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, c := range table {
			if c.hidden || c.name == dashboardName {
				continue
			}
			name := c.name
			if c.args != "" {
				name += " " + c.args
			}
			fmt.Fprintf(tw, "  %s\t%s\n", name, c.summary)
			for _, s := range c.subs {
				fmt.Fprintf(tw, "  %s %s %s\t%s\n", c.name, s.name, s.args, s.summary)
			}
		}
		_ = tw.Flush()
		writeFlags(w, cmd)
		fmt.Fprintf(w, "\nRun 'ohdash help COMMAND' for a command's flags.\n%s\n", exitCodes)
		return
	}
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", usageLine(cmd, path), cmd.summary)
	if cmd.long != "" {
		fmt.Fprintf(w, "\n%s\n", cmd.long)
	}
	if len(cmd.subs) > 0 {
		fmt.Fprintln(w, "\nSubcommands:")
		for _, s := range cmd.subs {
			fmt.Fprintf(w, "  %-12s %s\n", s.name, s.summary)
		}
	} else {
		writeFlags(w, cmd)
	}
	if cmd.name == "config" {
		writeSettings(w)
	}
	fmt.Fprintf(w, "\n%s\n", exitCodes)
}

// writeFlags lists a command's own flags, then the global ones.
func writeFlags(w io.Writer, cmd *command) {
	inv := &invocation{}
	global := newFlagSet("global")
	globalFlags(global, inv)
	fs := newFlagSet(cmd.name)
	settingFlags(fs, cmd.settings, inv)
	if cmd.setup != nil && len(cmd.subs) == 0 {
		cmd.setup(fs)
	}
	short := map[string]string{}
	for s, l := range cmd.aliases {
		short[l] = s
	}
	list := func(title string, fs *flag.FlagSet) {
		var lines [][2]string
		fs.VisitAll(func(f *flag.Flag) {
			if f.Name == "h" {
				return
			}
			name, usage := flag.UnquoteUsage(f)
			if st, ok := config.Lookup(f.Name); ok && st.Flag == f.Name {
				name = st.ArgName()
			} else if f.Name == "config" {
				name = "PATH"
			}
			left := "    --" + f.Name
			if s, ok := short[f.Name]; ok {
				left = "-" + s + ", --" + f.Name
			}
			if name != "" && !isBoolFlag(f) {
				left += " " + name
			}
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "0s" {
				usage += " (default " + f.DefValue + ")"
			}
			lines = append(lines, [2]string{left, usage})
		})
		if len(lines) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s:\n", title)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, l := range lines {
			fmt.Fprintf(tw, "  %s\t%s\n", l[0], l[1])
		}
		_ = tw.Flush()
	}
	title := "Flags"
	if cmd.name == dashboardName {
		title = "Dashboard flags"
	}
	list(title, fs)
	list("Global flags", global)
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// writeSettings is the configuration reference: every setting, its
// variable and flag.
func writeSettings(w io.Writer) {
	fmt.Fprintln(w, "\nSettings (file key, environment variable, flag):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range config.Settings() {
		flagName := ""
		if s.Flag != "" {
			flagName = "--" + s.Flag
		}
		usage := s.Usage
		if s.Enum != nil {
			usage += " (" + strings.Join(s.Enum, ", ") + ")"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", s.Key, s.Env, flagName, usage)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, `
Backends are [[docker]] and [[remote]] tables (see the README); without any, ohdash uses the
local Docker engine and, when %s is set, that runtime API.
Key bindings are a [keys] table: "action" = "key" or ["key", "key"]; 'ohdash keys' lists them.
`, config.EnvRemoteURL)
}
