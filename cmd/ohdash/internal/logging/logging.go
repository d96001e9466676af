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
	"strings"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sanitize"
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

// New returns a masking JSON logger on w. Every line is also passed
// through sanitize.EscapeJSON: encoding/json leaves C1 controls and bidi
// overrides raw, and a log file is read with cat and tail.
func New(w io.Writer, level slog.Leveler) *slog.Logger {
	return slog.New(slog.NewJSONHandler(escapingWriter{w}, &slog.HandlerOptions{Level: level, ReplaceAttr: Mask}))
}

// escapingWriter escapes what a terminal would act on in each JSON line
// the handler writes (one Write per record).
type escapingWriter struct{ w io.Writer }

func (e escapingWriter) Write(p []byte) (int, error) {
	if _, err := e.w.Write(sanitize.EscapeJSON(nil, p)); err != nil {
		return 0, err
	}
	return len(p), nil
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

// MaskText masks credentials in free text: known secret values, URL
// credentials, token shapes (see backend.MaskText).
func MaskText(s string) string { return backend.MaskText(s) }

// clean is what every string logged goes through: sanitised (the log
// is read in a terminal) and masked.
func clean(s string) string { return backend.SafeText(s) }

// Mask is the slog ReplaceAttr that hides credentials. Values arrive
// resolved, so backend.Secret is already masked; what remains are plain
// strings under a sensitive name, and URLs anywhere in text.
func Mask(_ []string, a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		if IsSensitive(a.Key) {
			return slog.String(a.Key, backend.Mask(a.Value.String()))
		}
		return slog.String(a.Key, clean(a.Value.String()))
	case slog.KindAny:
		v := a.Value.Any()
		if err, ok := v.(error); ok {
			return slog.String(a.Key, clean(err.Error()))
		}
		if IsSensitive(a.Key) {
			return slog.String(a.Key, backend.Mask(fmt.Sprint(v)))
		}
		if s, ok := v.(fmt.Stringer); ok {
			return slog.String(a.Key, clean(s.String()))
		}
		if ss, ok := v.([]string); ok {
			out := make([]string, len(ss))
			for i, s := range ss {
				out[i] = clean(s)
			}
			return slog.Any(a.Key, out)
		}
	}
	return a
}
