package ui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/format"
	"github.com/ohdash/ohdash/ui/resource"
)

type level int

const (
	levelInfo level = iota
	levelWarn
	levelError
)

// notice is the one-line message under the panes (a field of the model,
// not a tea.Msg): results of actions, refusals and errors. Info fades
// quickly; errors stay long enough to read.
type notice struct {
	text  string
	level level
	until time.Time
}

func (m Model) say(l level, text string, ttl time.Duration) Model {
	// Messages quote what came from outside (an error body, a local
	// tool's complaint with the URL it was given): the status line is an
	// output path like any other, sanitised and masked line by line
	// here, whatever the caller did.
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		lines[i] = backend.ShowText(line, m.reveal)
	}
	text = strings.Join(lines, "\n")
	m.msg = notice{text: text, level: l, until: m.now().Add(ttl)}
	// An error may take more than one row: the body gives them up.
	return m.layout()
}

func (m Model) info(text string) Model { return m.say(levelInfo, text, 8*time.Second) }
func (m Model) warn(text string) Model { return m.say(levelWarn, text, 12*time.Second) }

// fail shows an error, with a hint for the errors a person can act on.
func (m Model) fail(err error) Model {
	text := err.Error()
	switch {
	case errors.Is(err, backend.ErrUnavailable):
		text += " (the backend is unreachable; ohdash keeps retrying)"
	case errors.Is(err, backend.ErrUnauthorized):
		text += " (the key was refused)"
	case errors.Is(err, backend.ErrImageUnavailable):
		text += ` — fix: image = "IMAGE" in the config file (or OHDASH_IMAGE) naming an image the engine has; or quit and run "ohdash sim up" for simulated sandboxes`
	}
	return m.say(levelError, text, 30*time.Second)
}

func (m Model) expireMessage() Model {
	if m.msg.text != "" && m.now().After(m.msg.until) {
		m.msg = notice{}
		return m.layout()
	}
	return m
}

// maxMessageRows bounds how much of the body a long error may take: six
// rows, fewer on a short terminal.
func (m Model) maxMessageRows() int {
	return max(1, min(6, (m.height-minHeight)/2+1))
}

// messageRows is how many rows the message line needs: an error is
// wrapped whole (its end is usually the reason and the fix), up to
// maxMessageRows; anything else is one row.
func (m Model) messageRows() int {
	if m.msg.level != levelError || m.width <= 2 {
		return 1
	}
	return min(m.maxMessageRows(), len(m.errorLines()))
}

// errorLines is the error message wrapped to the width, marker included.
func (m Model) errorLines() []string {
	w := max(1, m.width-2)
	return format.WrapWords(m.msg.text, w)
}

// messageLine shows actions under way first (they matter most while they
// last), then the last message.
func (m Model) messageLine() string {
	st := m.th.Styles
	if ops := m.host.Ops(); len(ops) > 0 {
		parts := make([]string, 0, len(ops))
		for _, op := range ops {
			parts = append(parts, fmt.Sprintf("⟳ %s… %s", op.Desc, m.now().Sub(op.Started).Round(time.Second)))
		}
		// The rows an error was given stay, so the layout does not jump.
		return st.Info.Render(strings.Join(parts, "  ")) + strings.Repeat("\n", m.messageRows()-1)
	}
	switch m.msg.level {
	case levelError:
		lines := m.errorLines()
		if n := m.messageRows(); len(lines) > n {
			lines = lines[:n]
			lines[n-1] = ansi.Truncate(lines[n-1], max(1, m.width-4), "") + " …"
		}
		for i, l := range lines {
			prefix := "  "
			if i == 0 {
				prefix = "✗ "
			}
			lines[i] = st.Error.Render(prefix + l)
		}
		return strings.Join(lines, "\n")
	case levelWarn:
		return st.Warning.Render("! " + m.msg.text)
	default:
		if m.msg.text == "" {
			return ""
		}
		return st.Success.Render("✓ " + m.msg.text)
	}
}

// statusBar shows each source's connection and the counts by status.
func (m Model) statusBar() string {
	st := m.th.Styles
	now := m.now()
	var parts []string
	counts := map[backend.Status]int{}
	total := 0
	for _, src := range m.sources {
		s, ok := m.snaps[src]
		conn := backend.ConnState{Phase: backend.ConnConnecting}
		if ok {
			conn = s.Conn
			for _, sb := range s.Sandboxes {
				counts[sb.Status]++
				total++
			}
		}
		label := src
		if ok && s.Engine != "" {
			label += " (" + s.Engine + ")" // Docker or Podman, and its version
		}
		parts = append(parts, m.sourceStatus(backend.CleanText(label), conn, now))
	}
	var c []string
	c = append(c, plural(total, "sandbox", "sandboxes"))
	for _, s := range backend.Statuses {
		if counts[s] > 0 {
			word := strings.ToLower(string(s))
			if s == backend.StatusError {
				word = "error" // a noun among adjectives: "2 errors · 4 running"
				c = append(c, plural(counts[s], word, "errors"))
				continue
			}
			c = append(c, fmt.Sprintf("%d %s", counts[s], word))
		}
	}
	if t := m.resourceTotals(); t != "" {
		c = append(c, t)
	}
	if m.cfg.ReadOnly {
		c = append(c, st.Warning.Render("read-only"))
	}
	return strings.Join(parts, "  ") + st.Muted.Render("  │  ") + st.Muted.Render(strings.Join(c, " · "))
}

func (m Model) sourceStatus(src string, c backend.ConnState, now time.Time) string {
	st := m.th.Styles
	switch c.Phase {
	case backend.ConnLive:
		txt := src + " ● live"
		if lat := format.Latency(c.Latency); lat != "" {
			txt += " " + lat
		}
		return st.Success.Render(txt)
	case backend.ConnReconnecting:
		txt := src + " ⟳ " + c.Describe(now)
		if !c.Since.IsZero() {
			txt += ", stale since " + c.Since.Local().Format("15:04:05")
		}
		if c.Err != nil {
			txt += ": " + c.Err.Error()
		}
		return st.Error.Render(txt)
	case backend.ConnUnresponsive:
		// Open but silent (a frozen engine, a hung API): the rows are the
		// last answer's, and how long ago that was is what matters.
		txt := src + " ⚠ " + c.Describe(now)
		if !c.LastAnswer.IsZero() {
			txt += ", last answer " + c.LastAnswer.Local().Format("15:04:05")
		}
		return st.Error.Render(txt)
	case backend.ConnClosed:
		return st.Error.Render(src + " ✗ " + c.Describe(now))
	default:
		return st.Muted.Render(src + " … connecting")
	}
}

// resourceTotals sums the figures of the sandboxes sampled (the rows on
// screen, not the whole host: the text says how many), per backend too
// when more than one has figures.
func (m Model) resourceTotals() string {
	if !m.stats.on {
		return ""
	}
	tot := m.res.Totals(m.allSandboxes())
	all, ok := tot[""]
	if !ok {
		return ""
	}
	txt := fmt.Sprintf("Σ %d sampled: cpu %s%% mem %s", all.N, resource.Percent(all.CPU), resource.Bytes(all.Mem))
	if len(tot) > 2 {
		var per []string
		for _, src := range m.sources {
			if t, ok := tot[src]; ok {
				per = append(per, fmt.Sprintf("%s %s%% %s", src, resource.Percent(t.CPU), resource.Bytes(t.Mem)))
			}
		}
		txt += " (" + strings.Join(per, ", ") + ")"
	}
	return backend.CleanText(txt)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
