package main

import (
	"flag"
	"slices"
	"testing"
)

// docker logs takes "-n1" and "-ft"; so does ohdash logs. Anything that is
// not made of its one-letter flags is left for the flag package to refuse.
func TestShortFlagsAttachedAndRunTogether(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.Bool("follow", false, "")
	fs.Bool("timestamps", false, "")
	fs.String("tail", "all", "")
	aliases := map[string]string{"f": "follow", "t": "timestamps", "n": "tail"}
	addAliases(fs, aliases)
	for _, c := range []struct {
		in   []string
		want []string
	}{
		{[]string{"-n1", "box"}, []string{"-n", "1", "box"}},
		{[]string{"-ft", "box"}, []string{"-f", "-t", "box"}},
		{[]string{"-fn20", "box"}, []string{"-f", "-n", "20", "box"}},
		{[]string{"-tail", "5"}, []string{"-tail", "5"}},
		{[]string{"-fx", "box"}, []string{"-fx", "box"}},
		{[]string{"-n=3", "--", "-n1"}, []string{"-n=3", "--", "-n1"}},
		{[]string{"--n1"}, []string{"--n1"}},
	} {
		if got := expandShort(fs, aliases, c.in); !slices.Equal(got, c.want) {
			t.Errorf("expandShort(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	inv, err := parseCommandLine(commands(), []string{"logs", "-fn1", "box"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(inv.args, []string{"box"}) {
		t.Errorf("logs -fn1 box: args %q", inv.args)
	}
}
