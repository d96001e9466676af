// Package logging writes ohdash's structured debug log (log/slog, JSON
// lines) to a file, and only to a file: the dashboard owns the terminal,
// so nothing may reach stdout or stderr while it runs. Secrets are masked
// on the way out, by type (backend.Secret and URLs carrying keys log
// themselves masked) and by attribute name, for values that arrive as
// plain strings.
package logging

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/ohdash/ohdash/backend"
)

// Discard returns a logger that writes nothing.
func Discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// Open appends JSON log lines at level ("debug", "info", "warn", "error")
// to path, creating it with mode 0600. Close the returned closer at exit.
func Open(path, level string) (*slog.Logger, io.Closer, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, nil, fmt.Errorf("log level %q: %w", level, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, fmt.Errorf("log file: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("log file: %w", err)
	}
	return New(f, lv), f, nil
}

// New returns a masking JSON logger on w.
func New(w io.Writer, level slog.Leveler) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: Mask}))
}

// sensitive are attribute-name endings whose values are credentials.
var sensitive = []string{
	"key", "apikey", "token", "secret", "password", "passwd", "authorization", "credential", "credentials", "cookie",
}

// IsSensitive reports whether an attribute of this name holds a credential.
func IsSensitive(name string) bool {
	n := strings.ToLower(strings.ReplaceAll(name, "-", "_"))
	for _, s := range sensitive {
		if n == s || strings.HasSuffix(n, "_"+s) {
			return true
		}
	}
	return false
}

// urlInText finds URLs inside free text (error messages), whose query may
// carry a key.
var urlInText = regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"'<>]+`)

// MaskText masks credentials in every URL found in s.
func MaskText(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return urlInText.ReplaceAllStringFunc(s, backend.MaskURL)
}

// Mask is the slog ReplaceAttr that hides credentials. Values arrive
// resolved, so backend.Secret is already masked; what remains are plain
// strings under a sensitive name, and URLs anywhere in text.
func Mask(_ []string, a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		if IsSensitive(a.Key) {
			return slog.String(a.Key, backend.Mask(a.Value.String()))
		}
		return slog.String(a.Key, MaskText(a.Value.String()))
	case slog.KindAny:
		v := a.Value.Any()
		if err, ok := v.(error); ok {
			return slog.String(a.Key, MaskText(err.Error()))
		}
		if IsSensitive(a.Key) {
			return slog.String(a.Key, backend.Mask(fmt.Sprint(v)))
		}
	}
	return a
}
