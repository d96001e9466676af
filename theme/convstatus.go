package theme

import (
	"charm.land/lipgloss/v2"

	"github.com/ohdash/ohdash/backend"
)

// ExecGlyph returns a single-cell glyph for a conversation's execution
// status, distinct from its neighbours so a list reads without colour.
func ExecGlyph(s backend.ExecutionStatus) string {
	switch s {
	case backend.ExecRunning:
		return "▶"
	case backend.ExecIdle:
		return "·"
	case backend.ExecPaused:
		return "‖"
	case backend.ExecWaitingForConfirmation:
		return "?"
	case backend.ExecFinished:
		return "✓"
	case backend.ExecError:
		return "✗"
	case backend.ExecStuck:
		return "!"
	case backend.ExecDeleting:
		return "⌫"
	default:
		return "○"
	}
}

// ExecStyle colours a conversation's execution status: what needs a person
// stands out, what is finished recedes.
func (t Theme) ExecStyle(s backend.ExecutionStatus) lipgloss.Style {
	switch s {
	case backend.ExecRunning:
		return t.Styles.Success
	case backend.ExecWaitingForConfirmation, backend.ExecStuck:
		return t.Styles.Warning.Bold(true)
	case backend.ExecError:
		return t.Styles.Error.Bold(true)
	case backend.ExecPaused:
		return t.Styles.Warning
	case backend.ExecIdle, backend.ExecFinished:
		return t.Styles.Muted
	default:
		return t.Styles.Info
	}
}

// Exec renders an execution status as glyph and word, coloured. The
// unknown status renders as "unknown" rather than an empty cell.
func (t Theme) Exec(s backend.ExecutionStatus) string {
	word := string(s)
	if word == "" {
		word = "unknown"
	}
	return t.ExecStyle(s).Render(ExecGlyph(s) + " " + word)
}
