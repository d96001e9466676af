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

func TestMaskedByValueWhereverItAppears(t *testing.T) {
	key := backend.NewSecret("sessionkey-9876543210-wxyz")
	sb := backend.Sandbox{
		ID: "oh-agent-server-y", Source: "docker", Status: backend.StatusRunning, SessionAPIKey: key,
		Labels: map[string]string{"copy": key.Reveal()},
		Env: []backend.EnvVar{
			{Name: "CALLBACK", Value: "http://h:1/cb?session_api_key=" + key.Reveal()},
			{Name: "DATABASE_URL", Value: "postgres://app:Pg-Passw0rd-xyz@db:5432/app"},
			{Name: "GITHUB_PAT", Value: "ghp_abcdefghijklmnopqrstuvwxyz0123"},
			{Name: "AUTH_HEADER", Value: "Bearer opaque-bearer-value-123"},
		},
		Details: []backend.Field{{Name: "Command", Value: "/agent-server --token=" + key.Reveal()}},
	}
	m := New(theme.New(true), DefaultKeyMap(), func() time.Time { return now }).SetSize(120, 80).SetSandbox(sb, true, false)
	v := ansi.Strip(m.View())
	for _, leak := range []string{key.Reveal(), "Pg-Passw0rd-xyz", "abcdefghijklmnopqrstuvwxyz", "opaque-bearer-value"} {
		if strings.Contains(v, leak) {
			t.Errorf("masked view shows %q:\n%s", leak, v)
		}
	}
	v = ansi.Strip(m.SetSandbox(sb, true, true).View())
	for _, want := range []string{key.Reveal(), "Pg-Passw0rd-xyz", "ghp_abcdefghijklmnopqrstuvwxyz0123", "opaque-bearer-value-123"} {
		if !strings.Contains(v, want) {
			t.Errorf("revealed view lacks %q", want)
		}
	}
}
