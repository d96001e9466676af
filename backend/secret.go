package backend

import (
	"encoding/json"
	"log/slog"
	"net/url"
	"strings"
)

// Secret holds a credential (a session API key, a runtime API key). Every
// way of printing it masks it: String, GoString, JSON and slog all show the
// masked form. Only Reveal returns the value, so showing a secret is always
// an explicit decision at the call site.
type Secret struct{ v string }

// NewSecret wraps a credential and remembers its value, so that it is
// masked wherever else it appears (a label, a command line, a URL inside
// an env value), not only where ohdash shows it under its own name.
func NewSecret(v string) Secret {
	known.Add(v)
	return Secret{v: v}
}

// Reveal returns the credential itself.
func (s Secret) Reveal() string { return s.v }

// IsZero reports whether no credential is held.
func (s Secret) IsZero() bool { return s.v == "" }

// String returns the masked form, so fmt never leaks the value.
func (s Secret) String() string { return Mask(s.v) }

// GoString masks %#v as well.
func (s Secret) GoString() string { return "backend.Secret(" + Mask(s.v) + ")" }

// MarshalJSON writes the masked form; JSON output that must carry the real
// value builds it from Reveal explicitly.
func (s Secret) MarshalJSON() ([]byte, error) {
	if s.v == "" {
		return []byte("null"), nil
	}
	return json.Marshal(Mask(s.v))
}

// LogValue keeps secrets out of structured logs.
func (s Secret) LogValue() slog.Value { return slog.StringValue(Mask(s.v)) }

// Mask shows that a value exists and lets a person tell two keys apart by
// their last characters, without revealing enough to use it.
func Mask(v string) string {
	switch {
	case v == "":
		return ""
	case len(v) < 12 || !printableASCII(v[len(v)-4:]):
		// The tail tells two keys apart; one that is not plain text
		// (half a rune, an escape) is not shown at all.
		return "••••"
	default:
		return "••••" + v[len(v)-4:]
	}
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// MaskURL masks credential-carrying query parameters (tkn=, session_api_key=)
// and any userinfo password in a URL. A string that does not parse is
// returned with every query value masked, erring on the side of hiding.
func MaskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		raw = userinfoPassword.ReplaceAllString(raw, "${1}••••@")
		if i := strings.IndexByte(raw, '?'); i >= 0 {
			return raw[:i] + "?••••"
		}
		return raw
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			// url.URL would escape the dots ("%E2%80%A2…"); a plain
			// placeholder is put in and replaced after.
			u.User = url.UserPassword(u.User.Username(), maskedPassword)
		}
	}
	if u.RawQuery == "" {
		return strings.Replace(u.String(), ":"+maskedPassword+"@", ":••••@", 1)
	}
	q := u.Query()
	changed := false
	for p, vals := range q {
		if isSecretParam(p) {
			for i := range vals {
				vals[i] = Mask(vals[i])
			}
			changed = true
		}
	}
	if changed {
		u.RawQuery = encodeQueryKeepOrder(u.RawQuery, q)
	}
	return strings.Replace(u.String(), ":"+maskedPassword+"@", ":••••@", 1)
}

// maskedPassword stands for a masked URL password while the URL is put
// back together.
const maskedPassword = "OHDASH-MASKED-PASSWORD"

// encodeQueryKeepOrder re-encodes only the credential parameters of a query
// string and leaves every other byte as it was (url.Values.Encode would sort
// keys and re-escape values, so the masked URL would not look like the real
// one).
func encodeQueryKeepOrder(raw string, q url.Values) string {
	seen := map[string]int{}
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		k, _, _ := strings.Cut(p, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			continue
		}
		if !isSecretParam(key) {
			continue
		}
		vals := q[key]
		n := seen[key]
		seen[key] = n + 1
		if n < len(vals) {
			parts[i] = k + "=" + strings.ReplaceAll(url.QueryEscape(vals[n]), "%E2%80%A2", "•")
		}
	}
	return strings.Join(parts, "&")
}
