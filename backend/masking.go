package backend

import (
	"regexp"
	"strings"

	"github.com/ohdash/ohdash/backend/sanitize"
)

// userinfoPassword finds "scheme://user:password@" even in a URL that does
// not parse (url.Parse's error would otherwise be the only place the
// password is shown).
var userinfoPassword = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://[^/@?#\s:"'<>]*:)([^/@?#\s"'<>]+)@`)

// urlInText finds URLs inside free text (errors, env values, commands).
var urlInText = regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"'<>]+`)

// tokenShape matches credentials by their well-known shapes, whatever name
// they are stored under: GitHub (ghp_, gho_, ghu_, ghs_, ghr_,
// github_pat_), GitLab (glpat-), Slack (xoxb-, xoxp-, …), AWS access key
// ids, OpenAI/Anthropic-style sk- keys, JWTs and bearer tokens. Group 1
// is the part kept to say what was there.
var tokenShape = regexp.MustCompile(`\b(gh[pousr]_|github_pat_|glpat-|xox[bpars]-|sk-|AKIA|ASIA|eyJ|(?i:bearer)\s+)[A-Za-z0-9_\-.~+/=]{8,}`)

// secretAssign matches "name=value" where the name says the value is a
// credential: "--token=…", "password=…", "api_key=…" in a command line,
// a label or a query string that did not parse as a URL.
var secretAssign = regexp.MustCompile(`(?i)\b((?:[a-z0-9]+[_.-])*(?:token|tkn|secret|password|passwd|pwd|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?)=)([^\s&"',;]{4,})`)

// secretParamSuffix are query-parameter name endings that carry credentials.
var secretParamSuffix = []string{"token", "tkn", "secret", "password", "passwd", "pwd", "key", "signature", "credential", "sig"}

// isSecretParam reports whether a URL query parameter carries a credential
// ("tkn", "session_api_key", "access_token", "X-Amz-Signature", …).
func isSecretParam(k string) bool {
	k = strings.ToLower(k)
	for _, s := range secretParamSuffix {
		if strings.HasSuffix(k, s) {
			return true
		}
	}
	return k == "auth" || k == "code"
}

// MaskText masks every credential ohdash can recognise in free text: the
// values it knows are secret (MaskKnown), URL passwords and credential
// query parameters in every URL, "name=value" pairs whose name says
// credential, and well-known token shapes. Use it for anything shown to a
// person or written to a log when secrets are not to be revealed.
func MaskText(s string) string {
	if s == "" {
		return s
	}
	s = known.Replace(s)
	if strings.Contains(s, "://") {
		s = urlInText.ReplaceAllStringFunc(s, MaskURL)
	}
	if mayAssignSecret(s) {
		s = secretAssign.ReplaceAllString(s, "${1}••••")
	}
	if mayHoldToken(s) {
		s = tokenShape.ReplaceAllStringFunc(s, maskShape)
	}
	return s
}

// tokenPrefixes are literal parts of every tokenShape match, looked for
// before the regular expression runs: most text holds none, and the
// expression costs ~50 µs per KiB where these searches cost a few
// hundred nanoseconds (measured on event JSON, BenchmarkMaskJSON).
var tokenPrefixes = []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xox", "sk-", "AKIA", "ASIA", "eyJ"}

// mayHoldToken reports whether s could hold a tokenShape match.
func mayHoldToken(s string) bool {
	for _, p := range tokenPrefixes {
		if strings.Contains(s, p) {
			return true
		}
	}
	for i := 0; i+6 <= len(s); i++ {
		if (s[i] == 'b' || s[i] == 'B') && strings.EqualFold(s[i:i+6], "bearer") {
			return true
		}
	}
	return false
}

// assignWords are parts of every name secretAssign matches (a superset:
// "key" covers api_key, access-key, private_key).
var assignWords = []string{"token", "tkn", "secret", "passw", "pwd", "key", "credential"}

// mayAssignSecret reports whether s could hold a secretAssign match: a
// "name=" whose name holds one of assignWords.
func mayAssignSecret(s string) bool {
	for i := strings.IndexByte(s, '='); i >= 0; {
		j := i
		for j > 0 && isNameByte(s[j-1]) {
			j--
		}
		name := strings.ToLower(s[j:i])
		for _, w := range assignWords {
			if strings.Contains(name, w) {
				return true
			}
		}
		next := strings.IndexByte(s[i+1:], '=')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return false
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
}

// maskShape keeps a token's recognisable prefix and hides the rest.
func maskShape(tok string) string {
	m := tokenShape.FindStringSubmatch(tok)
	if m == nil {
		return "••••"
	}
	return m[1] + "••••"
}

// MaskEnv masks an environment value: all of it when the variable's name
// says it is a credential (sensitive), otherwise whatever MaskText finds
// in it (a URL with a password, a token, a known key).
func MaskEnv(value string, sensitive bool) string {
	if sensitive {
		return Mask(value)
	}
	return MaskText(value)
}

// CleanText makes untrusted one-line text safe for a terminal: escape
// sequences, control characters (C0 and C1) and bidirectional overrides
// dropped, invalid UTF-8 replaced, colour stripped. Nothing is overwritten:
// "\r", "\b" and cursor moves do not act (see sanitize.Options.Literal).
func CleanText(s string) string {
	out, _ := sanitize.String(s, sanitize.Options{StripColor: true, Literal: true})
	return out
}

// SafeText is CleanText and then MaskText: what every output path shows of
// a string that came from outside, unless the user asked to see secrets.
func SafeText(s string) string { return MaskText(CleanText(s)) }

// ShowText is SafeText, or only CleanText when secrets are revealed.
func ShowText(s string, reveal bool) string {
	if reveal {
		return CleanText(s)
	}
	return SafeText(s)
}
