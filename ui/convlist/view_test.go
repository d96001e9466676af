package convlist

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/internal/testkit"
)

func TestHostileTitleRendersSafely(t *testing.T) {
	evil := backend.Conversation{
		ID: convID(66), SandboxID: "sb\x1b[2J", Source: "docker", Status: backend.ExecRunning, UpdatedAt: now,
		Title: "\x1b]0;owned\x07\x1b[31mred\x1b[0m title\r\nsecond line\x1b[2J\x1b[H\x9b1;1H\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ \xff end",
		Model: "m\x1b]52;c;Zm9v\x07odel",
	}
	m := newModel(120, 6, []backend.Conversation{evil, {ID: convID(67), SandboxID: "b", Source: "docker", UpdatedAt: now}})
	v := m.View()
	checkFrame(t, v, 120, 6)
	// Only SGR from the theme may remain: no OSC, no cursor or erase
	// sequence, no C1 CSI, no raw control bytes.
	for _, bad := range []string{"\x1b]", "\x1b[2J", "\x1b[H", "\x9b", "\x07", "\r", "\xff"} {
		if strings.Contains(v, bad) {
			t.Fatalf("view contains %q", bad)
		}
	}
	plain := ansi.Strip(v)
	if !strings.Contains(plain, "red title second line") {
		t.Fatalf("title text lost:\n%s", plain)
	}
	if !strings.Contains(plain, "model") {
		t.Fatalf("model text lost:\n%s", plain)
	}
	if strings.Count(v, "\n") != 5 {
		t.Fatal("a newline in a title must not add a line")
	}
}

func TestUntitledShowsShortID(t *testing.T) {
	m := newModel(100, 5, []backend.Conversation{{ID: "7f3a9c2e-4b1d-4e0f-8a6b-0123456789ab", SandboxID: "s", Source: "docker"}})
	if !strings.Contains(ansi.Strip(m.View()), "7f3a9c2e ") {
		t.Fatalf("untitled row:\n%s", ansi.Strip(m.View()))
	}
}

func TestCells(t *testing.T) {
	cases := []struct {
		c            backend.Conversation
		cost, tokens string
	}{
		{backend.Conversation{}, "—", "—"},
		{backend.Conversation{Cost: 0.42, Tokens: backend.TokenUsage{Prompt: 900, Completion: 50}}, "$0.42", "950"},
		{backend.Conversation{Tokens: backend.TokenUsage{Prompt: 12_300}}, "$0.00", "12k"},
		{backend.Conversation{Cost: 12.5, Tokens: backend.TokenUsage{Prompt: 4_000_000, Completion: 100_000}}, "$12.50", "4.1M"},
	}
	for _, tc := range cases {
		if got := costCell(&tc.c); got != tc.cost {
			t.Errorf("cost %v/%v = %q, want %q", tc.c.Cost, tc.c.Tokens, got, tc.cost)
		}
		if got := tokensCell(tc.c.Tokens); got != tc.tokens {
			t.Errorf("tokens %v = %q, want %q", tc.c.Tokens, got, tc.tokens)
		}
	}
}

// Every width and height, with every optional line on, fits exactly.
func TestEveryWidthFits(t *testing.T) {
	base := newModel(80, 12, sample()).SetScope("conversations of all sandboxes").
		SetProblems([]string{"oh-agent-server-q: 401 wrong session key"})
	filtering := keys(base, "/")
	filtering = typeText(filtering, "o")
	for _, m := range []Model{base, filtering, base.Blur(), base.SetLoading(true).SetConversations(nil)} {
		for w := 1; w <= 160; w++ {
			for _, h := range []int{1, 2, 3, 4, 12} {
				m = m.SetSize(w, h)
				checkFrame(t, m.View(), w, h)
			}
		}
	}
	if v := base.SetSize(0, 10).View(); v != "" {
		t.Fatal("zero width renders nothing")
	}
}

// At 80 columns across sandboxes the model column goes first and the
// sandbox stays (which sandbox matters more there; issue 12), cut at its
// start so its distinctive end shows; then the sandbox; title, status
// and the updated age stay.
func TestNarrowDropsModelThenSandbox(t *testing.T) {
	header := func(w int) string {
		return strings.Split(ansi.Strip(newModel(w, 6, sample()).View()), "\n")[1]
	}
	h80 := header(80)
	for _, want := range []string{"TITLE", "STATUS", "UPDATED"} {
		if !strings.Contains(h80, want) {
			t.Fatalf("80 columns lost %s: %q", want, h80)
		}
	}
	if !strings.Contains(h80, "SANDBOX") || strings.Contains(h80, "MODEL") {
		t.Fatalf("the model must go first, the sandbox stay: %q", h80)
	}
	if row := strings.Split(ansi.Strip(newModel(80, 6, sample()).View()), "\n")[2]; !strings.HasSuffix(strings.TrimSpace(row), "server-by") {
		t.Fatalf("the sandbox cell hides its end: %q", row)
	}
	if h := header(60); strings.Contains(h, "SANDBOX") || !strings.Contains(h, "TITLE") {
		t.Fatalf("the sandbox goes next: %q", h)
	}
	if h := header(160); !strings.Contains(h, "SANDBOX") || !strings.Contains(h, "MODEL") {
		t.Fatalf("wide shows all: %q", h)
	}
	// One sandbox: no sandbox column, however wide.
	one := many(5)
	for i := range one {
		one[i].SandboxID = "oh-agent-server-only"
	}
	if h := strings.Split(ansi.Strip(newModel(200, 6, one).View()), "\n")[1]; strings.Contains(h, "SANDBOX") {
		t.Fatalf("single sandbox repeats the scope: %q", h)
	}
}

func TestThemeAndFocusChangeStyleOnly(t *testing.T) {
	m := newModel(100, 12, sample())
	light := m.SetTheme(theme.New(false))
	if ansi.Strip(light.View()) != ansi.Strip(m.View()) {
		t.Fatal("theme must not change the text")
	}
	if light.View() == m.View() {
		t.Fatal("theme must change the styling")
	}
	if m.Blur().View() == m.View() {
		t.Fatal("blur must change how the selection looks")
	}
}

func TestGolden(t *testing.T) {
	cases := map[string]func(w, h int) Model{
		"all": func(w, h int) Model {
			return newModel(w, h, sample()).SetScope("conversations of all sandboxes").
				SetProblems([]string{"oh-agent-server-q: 401 wrong session key"})
		},
		"filter": func(w, h int) Model {
			m := newModel(w, h, sample()).SetScope("conversations of all sandboxes")
			m = keys(m, "!", "s", "s", "/")
			return typeText(m, "oh-agent-server-ax")
		},
		"loading": func(w, h int) Model {
			return newModel(w, h, nil).SetScope("conversations of oh-agent-server-abc").SetLoading(true)
		},
	}
	for name, build := range cases {
		for _, sz := range [][2]int{{80, 12}, {120, 20}} {
			m := build(sz[0], sz[1])
			v := m.View()
			if v != m.View() {
				t.Fatalf("%s: two renders differ", name)
			}
			checkFrame(t, v, sz[0], sz[1])
			testkit.Golden(t, fmt.Sprintf("%s_%dx%d", name, sz[0], sz[1]), v)
		}
	}
}

// The sort arrow means the same as in the sandboxes table: ↑ ascending as
// the column reads (A to Z, youngest first, smallest first), ↓ descending.
func TestSortArrowMeansAscending(t *testing.T) {
	header := func(m Model) string { return strings.Split(ansi.Strip(m.View()), "\n")[0] }
	m := newModel(160, 8, sample())
	for _, want := range []string{"updated ↑", "title ↑", "status ↑", "model ↑", "cost ↓", "tokens ↓", "sandbox ↑"} {
		if h := header(m); !strings.Contains(h, "sort: "+want) {
			t.Errorf("header %q, want sort: %s", h, want)
		}
		m = keys(m, "s")
	}
	m = keys(newModel(160, 8, sample()), "s", "S")
	if h := header(m); !strings.Contains(h, "sort: title ↓") {
		t.Errorf("reversed title sort: %q", h)
	}
}
