package details

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/internal/testkit"
)

var now = testkit.Now

func hostile() backend.Sandbox {
	key := backend.NewSecret("sessionkey-0123456789-abcd")
	return backend.Sandbox{
		ID: "oh-agent-server-x", Source: "docker", Status: backend.StatusRunning,
		SessionAPIKey: key,
		ExposedURLs:   []backend.ExposedURL{{Name: backend.URLVSCode, URL: "http://localhost:1/?tkn=" + key.Reveal() + "&folder=/w"}},
		Labels:        map[string]string{"evil": "\x1b]52;c;cHduZWQ=\x07\x1b[2Jlabel"},
		Env:           []backend.EnvVar{{Name: "OH_SESSION_API_KEYS_0", Value: key.Reveal(), Sensitive: true}, {Name: "X", Value: "\x1b]0;title\x07plain"}},
	}
}

func TestSecretsMaskedUntilRevealed(t *testing.T) {
	m := New(theme.New(true), DefaultKeyMap(), func() time.Time { return now }).SetSize(100, 60).SetSandbox(hostile(), true, false)
	v := m.View()
	if strings.Contains(v, "sessionkey-0123456789") {
		t.Fatalf("key visible while masked:\n%s", ansi.Strip(v))
	}
	if !strings.Contains(ansi.Strip(v), "••••abcd") {
		t.Fatal("masked key should still tell keys apart")
	}
	m = m.SetSandbox(hostile(), true, true)
	if !strings.Contains(m.View(), "sessionkey-0123456789-abcd") {
		t.Fatal("reveal must show the key")
	}
}

func TestContainerTextCannotEscape(t *testing.T) {
	m := New(theme.New(true), DefaultKeyMap(), func() time.Time { return now }).SetSize(100, 60).SetSandbox(hostile(), true, false)
	v := m.View()
	for _, bad := range []string{"\x1b]", "\x1b[2J", "\x07"} {
		if strings.Contains(v, bad) {
			t.Fatalf("view carries %q from container data", bad)
		}
	}
	if !strings.Contains(v, "label") || !strings.Contains(v, "plain") {
		t.Fatal("the printable part of hostile values should remain")
	}
}

func TestScrollStaysInRange(t *testing.T) {
	m := New(theme.New(true), DefaultKeyMap(), func() time.Time { return now }).SetSize(80, 5).SetSandbox(hostile(), true, false).Focus()
	for range 100 {
		m, _ = m.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
	}
	if lines := strings.Split(m.View(), "\n"); len(lines) != 5 {
		t.Fatalf("%d rows", len(lines))
	}
	m, _ = m.Update(tea.KeyPressMsg{Code: 'g', Text: "g"})
	if !strings.Contains(ansi.Strip(m.View()), "oh-agent-server-x") {
		t.Fatal("g should return to the top")
	}
}
