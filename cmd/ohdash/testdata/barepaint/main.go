// Command barepaint is BenchmarkStartupPaint50's floor: a bare Bubble
// Tea program, at the frame rate given as the first argument (the
// dashboard's), whose first frame lists the names given after it. It does no I/O of its own, so its time to the
// first name is what starting a Go program and Bubble Tea's first frame
// cost on this machine.
package main

import (
	"os"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
)

type model struct{ names []string }

func (model) Init() tea.Cmd { return nil }

func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "q" {
		return m, tea.Quit
	}
	return m, nil
}

func (m model) View() tea.View {
	v := tea.NewView(strings.Join(m.names, "\n"))
	v.AltScreen = true
	return v
}

func main() {
	if len(os.Args) < 2 {
		os.Exit(2)
	}
	fps, err := strconv.Atoi(os.Args[1])
	if err != nil {
		os.Exit(2)
	}
	_, _ = tea.NewProgram(model{names: os.Args[2:]}, tea.WithFPS(fps)).Run()
}
