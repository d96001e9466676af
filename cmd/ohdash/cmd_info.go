package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"text/tabwriter"
)

func setupConfig(fs *flag.FlagSet) runner {
	asJSON := fs.Bool("json", false, "print one JSON object instead of TOML")
	return func(ctx context.Context, a *app, _ []string) error {
		keys, keyErr := a.cfg.UIKeys()
		var err error
		if *asJSON {
			err = a.cfg.PrintJSON(a.io.out, keys)
		} else if err = a.cfg.Print(a.io.out, keys); err == nil {
			err = printEngines(ctx, a.io.out, a.cfg, a.io.getenv)
		}
		if err != nil {
			return err
		}
		// The configuration is printed even when its key bindings are
		// wrong: this is the command people run to find out why.
		return keyErr
	}
}

func setupKeys(*flag.FlagSet) runner {
	return func(_ context.Context, a *app, _ []string) error {
		keys, err := a.cfg.UIKeys()
		if err != nil {
			return err
		}
		b := keys.Bindings()
		names := make([]string, 0, len(b))
		for n := range b {
			names = append(names, n)
		}
		slices.Sort(names)
		tw := tabwriter.NewWriter(a.io.out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ACTION\tKEYS\tWHAT IT DOES")
		for _, n := range names {
			ks := strings.Join(b[n].Keys(), " ")
			if ks == "" {
				ks = "(unbound)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", n, ks, b[n].Help().Desc)
		}
		return tw.Flush()
	}
}

// versionInfo is what `ohdash version` reports, from the build itself.
type versionInfo struct {
	Version  string `json:"version"`
	Commit   string `json:"commit,omitempty"`
	Modified bool   `json:"modified"` // always present: the README lists it as a stable field
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

func currentVersion() versionInfo {
	v := versionInfo{Version: "(devel)", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if bi.Main.Version != "" {
		v.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

func setupVersion(fs *flag.FlagSet) runner {
	asJSON := fs.Bool("json", false, "print a JSON object")
	return func(_ context.Context, a *app, _ []string) error {
		v := currentVersion()
		if *asJSON {
			return writeJSON(a.io.out, v)
		}
		line := "ohdash " + v.Version
		if v.Commit != "" {
			c := v.Commit
			if len(c) > 12 {
				c = c[:12]
			}
			if v.Modified {
				c += "+dirty"
			}
			line += " (" + c + ")"
		}
		fmt.Fprintf(a.io.out, "%s %s %s\n", line, v.Go, v.Platform)
		return nil
	}
}
