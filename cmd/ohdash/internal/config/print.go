package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sanitize"
	"github.com/ohdash/ohdash/ui"
)

// Print writes the effective configuration as a TOML file a person could
// save and edit: every setting with where its value came from, every
// backend, and every key binding in effect. Secrets are masked.
func (c *Config) Print(w io.Writer, keys ui.Keys) error {
	p := &printer{w: w}
	p.line("# ohdash: effective configuration (secrets masked)")
	if c.Meta.FileFound {
		p.line("# file: " + c.Meta.File)
	} else {
		p.line("# file: " + c.Meta.File + " (absent: built-in defaults)")
	}
	p.line("# precedence: defaults < file < environment (OHDASH_*) < flags")
	table := ""
	for _, s := range Settings() {
		t, k, _ := strings.Cut(s.Key, ".")
		if k == "" {
			k, t = t, ""
		}
		if t != table {
			p.line("")
			p.line("[" + t + "]")
			table = t
		}
		p.kv(k, tomlValue(maskValue(s.raw(c))), c.Meta.Sources[s.Key])
		if s.Key == lastAlertSetting {
			c.printAlertLists(p)
		}
	}
	for _, d := range c.Docker {
		p.line("")
		p.kv("[[docker]]", "", c.Meta.Implicit[d.Name])
		p.kv("name", tomlQuote(d.Name), "")
		p.opt("host", backend.MaskText(d.Host))
		p.opt("context", d.Context)
		p.list("v1_prefixes", d.V1Prefixes)
		p.list("v0_prefixes", d.V0Prefixes)
		p.opt("url_pattern", backend.MaskText(d.URLPattern))
		p.secret("jwt_secret", d.JWTSecret, d.JWTSecretFile, d.JWTSecretEnv)
	}
	for _, r := range c.Remote {
		p.line("")
		p.kv("[[remote]]", "", c.Meta.Implicit[r.Name])
		p.kv("name", tomlQuote(r.Name), "")
		p.kv("url", tomlQuote(backend.MaskText(r.URL)), "")
		p.secret("api_key", r.APIKey, r.APIKeyFile, r.APIKeyEnv)
		if r.Insecure {
			p.kv("insecure", "true", "")
		}
		p.opt("image", r.Image)
		if r.ResourceFactor != 0 {
			p.kv("resource_factor", strconv.Itoa(r.ResourceFactor), "")
		}
		p.opt("runtime_class", r.RuntimeClass)
	}
	c.printOpenHands(p)
	c.printBudgetBackends(p)
	p.line("")
	p.kv("[keys]", "", "every binding in effect")
	bindings := keys.Bindings()
	names := make([]string, 0, len(bindings))
	for n := range bindings {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		src := ""
		if _, ok := c.Keys[n]; ok {
			src = SourceFile
		}
		p.kv(tomlQuote(n), tomlValue(bindings[n].Keys()), src)
	}
	return p.err
}

type printer struct {
	w   io.Writer
	err error
}

// line writes one line. Values came from files and the environment, and
// a file may hold anything: strconv.Quote already escapes controls, and
// CleanText is the last word for the comments (paths, sources).
func (p *printer) line(s string) {
	if p.err == nil {
		_, p.err = fmt.Fprintln(p.w, backend.CleanText(s))
	}
}

// kv writes "key = value  # comment", aligning comments.
func (p *printer) kv(k, v, comment string) {
	s := k
	if v != "" {
		s += " = " + v
	}
	if comment != "" {
		s = fmt.Sprintf("%-44s # %s", s, comment)
	}
	p.line(s)
}

func (p *printer) opt(k, v string) {
	if v != "" {
		p.kv(k, tomlQuote(v), "")
	}
}

func (p *printer) list(k string, v []string) {
	if len(v) > 0 {
		p.kv(k, tomlValue(v), "")
	}
}

// secret prints a credential masked, with where it was read from.
func (p *printer) secret(k string, s Secret, file, env string) {
	switch {
	case file != "":
		p.kv(k+"_file", tomlQuote(file), "holds "+s.String())
	case env != "":
		masked := s.String()
		if s.IsZero() {
			masked = "nothing: the variable is empty"
		}
		p.kv(k+"_env", tomlQuote(env), "holds "+masked)
	case !s.IsZero():
		p.kv(k, tomlQuote(s.String()), "masked")
	}
}

// tomlValue writes a scalar or a list of strings as TOML.
func tomlValue(v any) string {
	switch v := v.(type) {
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.Itoa(v)
	case float64:
		return tomlFloat(v)
	case string:
		return tomlQuote(v)
	case []string:
		q := make([]string, len(v))
		for i, s := range v {
			q[i] = tomlQuote(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// jsonConfig is the shape of `ohdash config --json`.
type jsonConfig struct {
	File      string              `json:"file"`
	Found     bool                `json:"file_found"`
	Settings  map[string]any      `json:"settings"`
	Sources   map[string]string   `json:"sources"`
	Docker    []DockerConfig      `json:"docker"`
	Remote    []RemoteConfig      `json:"remote"`
	OpenHands []OpenHandsConfig   `json:"openhands"`
	Keys      map[string][]string `json:"keys"`
	// BudgetBackends are the per-backend budgets ([budget.backends.NAME]).
	BudgetBackends map[string]BudgetLimits `json:"budget_backends"`
}

// PrintJSON writes the effective configuration as one JSON object, with
// secrets masked: settings by their dotted key, and where each came from.
func (c *Config) PrintJSON(w io.Writer, keys ui.Keys) error {
	out := jsonConfig{
		File: c.Meta.File, Found: c.Meta.FileFound, Settings: map[string]any{}, Sources: c.Meta.Sources,
		Docker: c.Docker, Remote: c.Remote, OpenHands: slices.Clone(c.OpenHands), Keys: map[string][]string{},
		BudgetBackends: map[string]BudgetLimits{},
	}
	for n, l := range c.Budget.Backends {
		out.BudgetBackends[n] = l
	}
	if out.Docker == nil {
		out.Docker = []DockerConfig{}
	}
	if out.Remote == nil {
		out.Remote = []RemoteConfig{}
	}
	for _, s := range Settings() {
		out.Settings[s.Key] = maskValue(s.raw(c))
	}
	out.Settings["alerts.command"] = maskValue(append([]string{}, c.Alerts.Command...))
	out.Settings["alerts.kinds"] = append([]string{}, c.Alerts.Kinds...)
	out.Docker = slices.Clone(out.Docker)
	for i := range out.Docker {
		d := &out.Docker[i]
		d.Host, d.URLPattern = backend.MaskText(d.Host), backend.MaskText(d.URLPattern)
	}
	out.Remote = slices.Clone(out.Remote)
	for i := range out.Remote {
		out.Remote[i].URL = backend.MaskText(out.Remote[i].URL)
	}
	if out.OpenHands == nil {
		out.OpenHands = []OpenHandsConfig{}
	}
	for i := range out.OpenHands {
		out.OpenHands[i].URL = backend.MaskText(out.OpenHands[i].URL)
	}
	for n, b := range keys.Bindings() {
		out.Keys[n] = append([]string{}, b.Keys()...)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := w.Write(sanitize.EscapeJSON(nil, buf.Bytes()))
	return err
}

// maskValue masks credentials inside a setting's value (a URL with a
// password, a token pasted into a path): every setting is printed, and
// the header promises that secrets are masked.
func maskValue(v any) any {
	switch v := v.(type) {
	case string:
		return backend.MaskText(v)
	case []string:
		out := make([]string, len(v))
		for i, s := range v {
			out[i] = backend.MaskText(s)
		}
		return out
	}
	return v
}

// tomlQuote writes s as a TOML basic string that reads back as s: quotes
// and backslashes escaped, and every character a terminal must not see
// raw (controls, C1, bidi and zero-width format characters) as \uXXXX, the
// escape TOML has for them (Go's \x escapes are not TOML). Invalid UTF-8,
// which a TOML file cannot hold, becomes U+FFFD.
func tomlQuote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case sanitize.UnsafeRune(r):
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
