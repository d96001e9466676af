package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// completionTimeout bounds the listing behind a completion: a shell must
// never hang on Tab.
const completionTimeout = 3 * time.Second

func setupCompletion(*flag.FlagSet) runner {
	return func(_ context.Context, a *app, args []string) error {
		spec := completionSpec(commands())
		switch args[0] {
		case "bash":
			return writeBash(a.io.out, spec)
		case "zsh":
			return writeZsh(a.io.out, spec)
		case "fish":
			return writeFish(a.io.out, spec)
		}
		return usagef("completion: unknown shell %q (bash, zsh or fish)", args[0])
	}
}

// setupComplete is the hidden command completion scripts call for dynamic
// values: sandbox ids, conversation ids, backend names.
func setupComplete(*flag.FlagSet) runner {
	return func(ctx context.Context, a *app, args []string) error {
		ctx, cancel := context.WithTimeout(ctx, completionTimeout)
		defer cancel()
		var words []string
		switch args[0] {
		case "backend":
			words = a.cfg.BackendNames()
		case "sandbox":
			bs, err := a.Selected(ctx)
			if err != nil {
				return nil
			}
			sbs, _ := collect(listAll(ctx, bs), nil)
			for _, sb := range sbs {
				words = append(words, sb.ID)
			}
		case "conversation":
			words = a.conversationIDs(ctx)
		}
		for _, w := range words {
			if completionWord(w) && backend.MaskText(w) == w {
				fmt.Fprintln(a.io.out, w)
			}
		}
		return nil
	}
}

// completionWord reports whether w may be offered to a shell. The words
// come from APIs and containers; the shell inserts them into the command
// line and some shells print them raw, so only plain printable ASCII
// without blanks or shell quoting characters passes (real ids and names
// are that), and anything else is left out rather than altered into a
// word that names nothing. A word holding a credential is left out too.
func completionWord(w string) bool {
	if w == "" || len(w) > 256 {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"'`$;&|<>(){}*?[]!#~", c) >= 0 {
			return false
		}
	}
	return true
}

// cmdSpec is what a completion script needs to know about a command.
type cmdSpec struct {
	path    string   // "conv pause"
	summary string   // one line, for shells that show descriptions
	flags   []string // "--json", "-f"
	args    []string // "sandbox", "conversation", or fixed words
	subs    []string
}

// completionSpec flattens the command table.
func completionSpec(table []*command) []cmdSpec {
	var out []cmdSpec
	var walk func(prefix string, cs []*command)
	walk = func(prefix string, cs []*command) {
		for _, c := range cs {
			if c.hidden || c.name == dashboardName {
				continue
			}
			path := strings.TrimSpace(prefix + " " + c.name)
			s := cmdSpec{path: path, summary: c.summary, args: c.complete}
			for _, sub := range c.subs {
				s.subs = append(s.subs, sub.name)
			}
			if len(c.subs) == 0 {
				s.flags, _ = flagNames(c)
			}
			out = append(out, s)
			walk(path, c.subs)
		}
	}
	walk("", table)
	return out
}

// flagNames lists a command's flags as typed on the command line, and
// those of them that take a value.
func flagNames(c *command) (all, valued []string) {
	inv := &invocation{}
	fs := newFlagSet(c.name)
	globalFlags(fs, inv)
	settingFlags(fs, c.settings, inv)
	c.setup(fs)
	addAliases(fs, c.aliases)
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name == "h" {
			return
		}
		name := "--" + f.Name
		if len(f.Name) == 1 {
			name = "-" + f.Name
		}
		all = append(all, name)
		if !isBoolFlag(f) {
			valued = append(valued, name)
		}
	})
	slices.Sort(all)
	slices.Sort(valued)
	return all, valued
}

// valuedFlags are the flags of every command that take a value, so a
// completion script can skip their values when it looks for the command.
func valuedFlags(table []*command) []string {
	seen := map[string]bool{}
	var out []string
	var walk func(cs []*command)
	walk = func(cs []*command) {
		for _, c := range cs {
			if len(c.subs) > 0 {
				walk(c.subs)
				continue
			}
			_, v := flagNames(c)
			for _, f := range v {
				if !seen[f] {
					seen[f] = true
					out = append(out, f)
				}
			}
		}
	}
	walk(table)
	slices.Sort(out)
	return out
}

// topWords are the words completed after "ohdash".
func topWords(spec []cmdSpec) []string {
	var out []string
	for _, s := range spec {
		if !strings.Contains(s.path, " ") {
			out = append(out, s.path)
		}
	}
	return out
}

// dynamic reports whether a completion kind is looked up at Tab time.
func dynamic(kind string) bool {
	return kind == "sandbox" || kind == "conversation" || kind == "backend"
}
