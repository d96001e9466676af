package agentserver

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// simShell plays a small part of bash for the bash API: the simulator runs
// no real process (agentsim images hold no shell). Commands are separated
// by ";" or newlines; words split on blanks, single and double quotes
// group. It knows echo, printf (text and \n only), pwd, true, false,
// sleep SECONDS, seq N (one output piece per 50 lines, as a real server
// reports a long command's output in pieces), hostile (prints planted
// escapes) and exit N; anything else is "command not found" (127), as
// bash says it.
type simShell struct {
	cwd  string
	emit func(stdout, stderr string)
}

// run runs a command line and returns its exit code.
func (sh simShell) run(ctx context.Context, line string) int {
	code := 0
	for _, part := range strings.FieldsFunc(line, func(r rune) bool { return r == ';' || r == '\n' }) {
		words := splitWords(part)
		if len(words) == 0 {
			continue
		}
		var exit bool
		code, exit = sh.one(ctx, words)
		if exit || ctx.Err() != nil {
			break
		}
	}
	return code
}

func (sh simShell) one(ctx context.Context, w []string) (code int, exit bool) {
	switch w[0] {
	case "echo":
		sh.emit(strings.Join(w[1:], " ")+"\n", "")
	case "printf":
		if len(w) > 1 {
			sh.emit(strings.ReplaceAll(w[1], `\n`, "\n"), "")
		}
	case "pwd":
		sh.emit(sh.cwd+"\n", "")
	case "true":
	case "false":
		return 1, false
	case "sleep":
		d, err := strconv.ParseFloat(arg(w, 1), 64)
		if err != nil {
			sh.emit("", "sleep: invalid time interval '"+arg(w, 1)+"'\n")
			return 1, false
		}
		select {
		case <-ctx.Done():
			return -1, true
		case <-time.After(time.Duration(d * float64(time.Second))):
		}
	case "seq":
		n, err := strconv.Atoi(arg(w, 1))
		if err != nil {
			sh.emit("", "seq: invalid argument '"+arg(w, 1)+"'\n")
			return 1, false
		}
		var b strings.Builder
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, "%d\n", i)
			if i%50 == 0 {
				sh.emit(b.String(), "")
				b.Reset()
			}
		}
		if b.Len() > 0 {
			sh.emit(b.String(), "")
		}
	case "hostile":
		sh.emit(hostileText+"\n", "\x1b]52;c;aGk=\a\x1b[2J\n")
	case "exit":
		n, err := strconv.Atoi(arg(w, 1))
		if err != nil {
			n = 0
		}
		return n & 0xff, true
	default:
		sh.emit("", "bash: "+w[0]+": command not found\n")
		return 127, false
	}
	return 0, false
}

func arg(w []string, i int) string {
	if i < len(w) {
		return w[i]
	}
	return ""
}

// splitWords splits on blanks outside quotes; quotes are removed.
func splitWords(s string) []string {
	var words []string
	var cur strings.Builder
	var quote rune
	in := false
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}
