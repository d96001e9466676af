package sshdial

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// maxIncludeDepth bounds nested Include directives, as OpenSSH does, so
// a file that includes itself cannot recurse for ever.
const maxIncludeDepth = 16

// sshConfig is a parsed ssh client config: its directives in file order
// (Includes spliced in), each with the block that decides whether it
// applies to a host.
type sshConfig struct {
	directives []directive
}

// directive is one "Keyword args..." line.
type directive struct {
	key   string // lower case
	args  []string
	where string // file:line, for error messages
	block *block // nil: applies to every host
}

// block is a Host or Match line. Inside an included file it also requires
// the block the Include line sits in (OpenSSH's conditional inclusion).
type block struct {
	hosts  []string // Host patterns, lower case; a leading ! negates
	match  bool     // a Match line
	all    bool     // "Match all": the only Match criterion evaluated
	parent *block
}

// applies reports whether the block (and every enclosing one) matches the
// host alias. Match blocks other than "Match all" never apply: their
// criteria (exec, user, canonical...) are not evaluated.
func (b *block) applies(alias string) bool {
	alias = strings.ToLower(alias)
	for ; b != nil; b = b.parent {
		if b.match && !b.all || !b.match && !hostMatches(b.hosts, alias) {
			return false
		}
	}
	return true
}

// hostMatches applies a Host line: some pattern matches and no negated
// pattern does.
func hostMatches(patterns []string, alias string) bool {
	matched := false
	for _, p := range patterns {
		if neg, ok := strings.CutPrefix(p, "!"); ok {
			if wildcardMatch(neg, alias) {
				return false
			}
		} else if wildcardMatch(p, alias) {
			matched = true
		}
	}
	return matched
}

// wildcardMatch reports whether s matches pattern, where * matches any run
// of characters and ? any single one (ssh_config(5) PATTERNS).
func wildcardMatch(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			// Let the last * swallow one more character and retry.
			mark++
			p, i = star+1, mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// loadConfig reads an ssh client config and the files it includes. A
// missing or unreadable file is an empty config: ssh works without one.
// Relative Include paths are relative to sshDir (~/.ssh).
func loadConfig(path, sshDir, home string) *sshConfig {
	c := &sshConfig{}
	c.read(path, sshDir, home, nil, 0)
	return c
}

func (c *sshConfig) read(path, sshDir, home string, parent *block, depth int) {
	data, err := os.ReadFile(path)
	if err != nil {
		return
	}
	cur := parent
	for n, line := range strings.Split(string(data), "\n") {
		key, args, ok := splitLine(line)
		if !ok || key == "" {
			continue
		}
		switch key {
		case "host":
			hosts := make([]string, len(args))
			for i, a := range args {
				hosts[i] = strings.ToLower(a)
			}
			cur = &block{hosts: hosts, parent: parent}
		case "match":
			cur = &block{match: true, all: len(args) == 1 && strings.EqualFold(args[0], "all"), parent: parent}
		case "include":
			if depth >= maxIncludeDepth {
				continue
			}
			for _, pat := range args {
				pat = expandTilde(pat, home)
				if !filepath.IsAbs(pat) {
					pat = filepath.Join(sshDir, pat)
				}
				files, _ := filepath.Glob(pat)
				for _, f := range files {
					c.read(f, sshDir, home, cur, depth+1)
				}
			}
		default:
			c.directives = append(c.directives, directive{
				key: key, args: args, where: path + ":" + strconv.Itoa(n+1), block: cur,
			})
		}
	}
}

// splitLine splits a config line into its lower-case keyword and its
// arguments. The keyword ends at white space or '='; arguments are
// separated by white space, may be double-quoted, and an unquoted '#'
// starting an argument starts a comment. ok is false for a line with an
// unbalanced quote.
func splitLine(line string) (key string, args []string, ok bool) {
	line = strings.TrimSpace(line)
	if line == "" || line[0] == '#' {
		return "", nil, true
	}
	i := strings.IndexAny(line, " \t=")
	if i < 0 {
		return strings.ToLower(line), nil, true
	}
	key = strings.ToLower(line[:i])
	rest := strings.TrimLeft(line[i:], " \t")
	if r, ok := strings.CutPrefix(rest, "="); ok {
		rest = r
	}
	var cur strings.Builder
	inQuote, have := false, false
	for _, r := range rest {
		switch {
		case r == '"':
			inQuote, have = !inQuote, true
		case !inQuote && (r == ' ' || r == '\t'):
			if have {
				args = append(args, cur.String())
				cur.Reset()
				have = false
			}
		case !inQuote && !have && r == '#':
			return key, args, true
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if inQuote {
		return "", nil, false
	}
	if have {
		args = append(args, cur.String())
	}
	return key, args, true
}

// expandTilde replaces a leading ~ or ~/ with home. ~user is left alone
// for the caller to report.
func expandTilde(p, home string) string {
	if p == "~" {
		return home
	}
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		return filepath.Join(home, rest)
	}
	return p
}
