package logs

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend/logbuf"
	"github.com/ohdash/ohdash/ui/stream"
	"github.com/ohdash/ohdash/ui/textview"
)

// Update handles stream messages (always) and keys (only when focused).
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case stream.Opened[logbuf.Batch]:
		return m.handleOpened(msg)
	case stream.Item[logbuf.Batch]:
		return m.handleBatch(msg)
	case stream.Closed[logbuf.Batch]:
		return m.handleClosed(msg)
	case searchStepMsg:
		return m.continueSearch()
	case tea.KeyPressMsg:
		if !m.focused {
			return m, nil
		}
		if m.capturing {
			return m.updateInput(msg)
		}
		return m.handleKey(msg), nil
	}
	if m.capturing { // paste, cursor messages
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return m, cmd
	}
	return m, nil
}

// viewAction is what a key does to the text view.
type viewAction struct {
	binding key.Binding
	apply   func(textview.Model) textview.Model
}

// viewActions pairs the bindings with their effect on the view.
func (k KeyMap) viewActions() []viewAction {
	return []viewAction{
		{k.Follow, func(v textview.Model) textview.Model { return v.SetFollow(!v.Following()) }},
		{k.Up, func(v textview.Model) textview.Model { return v.ScrollUp(1) }},
		{k.Down, func(v textview.Model) textview.Model { return v.ScrollDown(1) }},
		{k.PageUp, textview.Model.PageUp},
		{k.PageDown, textview.Model.PageDown},
		{k.HalfPageUp, textview.Model.HalfPageUp},
		{k.HalfPageDown, textview.Model.HalfPageDown},
		{k.Top, textview.Model.GotoTop},
		{k.Bottom, textview.Model.GotoBottom},
		{k.Left, textview.Model.ScrollLeft},
		{k.Right, textview.Model.ScrollRight},
		{k.Wrap, func(v textview.Model) textview.Model { return v.SetWrap(!v.Wrapping()) }},
		{k.Timestamps, func(v textview.Model) textview.Model { return v.SetTimestamps(!v.Timestamps()) }},
		{k.SearchNext, textview.Model.NextMatch},
		{k.SearchPrev, textview.Model.PrevMatch},
		{k.SearchClear, textview.Model.ClearSearch},
	}
}

func (m Model) handleKey(msg tea.KeyPressMsg) Model {
	if key.Matches(msg, m.keys.Search) {
		m.capturing = true
		m.input.Reset()
		// The textinput's Focus Cmd only drives cursor blinking, which
		// newInput turns off.
		_ = m.input.Focus()
		return m
	}
	for _, a := range m.keys.viewActions() {
		if key.Matches(msg, a.binding) {
			m.view = a.apply(m.view)
			m.syncKeys()
			break
		}
	}
	return m
}

// updateInput handles keys while the search input has focus: enter runs
// the search, esc closes the input and clears the search, anything else
// edits the query.
func (m Model) updateInput(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.SearchSubmit):
		m.capturing = false
		m.input.Blur()
		m.view = m.view.Search(m.input.Value()) // "" clears
		m.syncKeys()
		if m.view.SearchPending() {
			return m, searchStep
		}
		return m, nil
	case key.Matches(msg, m.keys.SearchCancel):
		m.capturing = false
		m.input.Blur()
		m.view = m.view.ClearSearch()
	default:
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return m, cmd
	}
	m.syncKeys()
	return m, nil
}

// searchStepMsg asks the pane to continue a search that is still counting.
type searchStepMsg struct{}

// searchStep is the Cmd that schedules the next step. Each step scans a
// bounded amount of text, so keys and batches are handled between steps
// and a search over a full ring never freezes the pane.
func searchStep() tea.Msg { return searchStepMsg{} }

func (m Model) continueSearch() (Model, tea.Cmd) {
	if !m.view.SearchPending() {
		return m, nil // finished, cleared or replaced meanwhile
	}
	m.view = m.view.SearchStep()
	m.syncKeys()
	if m.view.SearchPending() {
		return m, searchStep
	}
	return m, nil
}
