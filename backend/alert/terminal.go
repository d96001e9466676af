package alert

import (
	"context"
	"strings"

	"github.com/ohdash/ohdash/backend/sanitize"
)

// TermMode is how a terminal channel tells: the bell or a desktop
// notification in one of the two escape sequences terminals understand.
type TermMode string

// The terminal channels.
const (
	// Bell rings the terminal bell (BEL).
	Bell TermMode = "bell"
	// OSC9 is the desktop notification of iTerm2, WezTerm, Windows
	// Terminal, kitty, foot, ghostty: ESC ] 9 ; text BEL.
	OSC9 TermMode = "osc9"
	// OSC777 is the one of rxvt-unicode, foot, ghostty, WezTerm and VTE
	// terminals: ESC ] 777 ; notify ; title ; body BEL.
	OSC777 TermMode = "osc777"
)

// maxPayload bounds the text of a notification, in runes.
const maxPayload = 200

// Terminal is a channel that writes an escape sequence to the terminal
// through Write (the dashboard hands it to Bubble Tea, which writes it
// between frames). It works over SSH: the sequence travels with the screen.
type Terminal struct {
	Mode  TermMode
	Write func(seq string)
}

// Name is the mode.
func (t Terminal) Name() string { return string(t.Mode) }

// Send writes the sequence for a.
func (t Terminal) Send(_ context.Context, a Alert) error {
	t.Write(Sequence(t.Mode, a))
	return nil
}

// Sequence is the bytes a terminal channel writes for a. The text inside
// an OSC sequence has no control character at all (a BEL or ESC in a
// title would end the sequence and inject another), and the OSC 777 title
// and body have no ';' (the field separator).
func Sequence(mode TermMode, a Alert) string {
	a = a.Clean()
	switch mode {
	case OSC9:
		return "\x1b]9;" + oscText("ohdash: "+a.Text()) + "\a"
	case OSC777:
		// Some terminals split every field on ';', the body's too.
		title := strings.ReplaceAll(oscText("ohdash: "+string(a.Kind)), ";", ",")
		body := strings.ReplaceAll(oscText(a.Text()), ";", ",")
		return "\x1b]777;notify;" + title + ";" + body + "\a"
	}
	return "\a"
}

// oscText keeps only printable characters, replacing every control (C0,
// C1, DEL), bidi and line-separator character with a space, and cuts the
// text to maxPayload runes.
func oscText(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if n == maxPayload {
			b.WriteString("…")
			break
		}
		if sanitize.UnsafeRune(r) {
			r = ' '
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
