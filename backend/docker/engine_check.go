package docker

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/ohdash/ohdash/backend/sanitize"
)

// NotEngineError says that the server at an engine address answered, but
// not as a Docker engine does: DOCKER_HOST or a context points at some
// other HTTP server (a web server, a proxy that refuses, another API). The
// backend is then as good as unreachable, and its answer is summed up in a
// short excerpt rather than relayed (it may be a page of HTML).
type NotEngineError struct {
	Host        string // the engine address in use
	Status      string // e.g. "404 Not Found"
	ContentType string
	Excerpt     string // sanitised, at most excerptRunes long; may be empty
}

func (e *NotEngineError) Error() string {
	msg := fmt.Sprintf("the server at %s is not a Docker engine: it answered HTTP %s", e.Host, e.Status)
	if e.ContentType != "" {
		msg += " (" + e.ContentType + ")"
	}
	if e.Excerpt != "" {
		msg += fmt.Sprintf(": %q", e.Excerpt)
	}
	return msg
}

// Limits of the excerpt: bytes read from the body, runes shown.
const (
	excerptRead  = 4 << 10
	excerptRunes = 80
)

// engineCheck is the HTTP transport under the engine's API client: it
// passes an engine's answers through and turns any other server's into a
// NotEngineError, so that a web page's 404 is not read as "no such
// container" and its body is not printed whole.
type engineCheck struct {
	base *http.Transport
	host string
}

// RoundTrip implements http.RoundTripper.
func (c *engineCheck) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(req)
	if err != nil || fromEngine(resp) {
		return resp, err
	}
	defer resp.Body.Close()
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	e := &NotEngineError{Host: c.host, Status: resp.Status, ContentType: ct}
	if e.Status == "" {
		e.Status = fmt.Sprint(resp.StatusCode)
	}
	if req.Method != http.MethodHead {
		// Read no further than the announced length: a body closed before
		// its end takes its connection down with it instead of back to
		// the pool, where whatever else this server sends would come out
		// as net/http's "Unsolicited response" log line.
		limit := int64(excerptRead)
		if resp.ContentLength >= 0 {
			limit = min(limit, resp.ContentLength)
		}
		body := make([]byte, limit)
		n, _ := io.ReadFull(resp.Body, body)
		e.Excerpt = excerpt(string(body[:n]))
	}
	return nil, e
}

// CloseIdleConnections closes the transport's idle connections (the API
// client cannot reach them through a wrapper).
func (c *engineCheck) CloseIdleConnections() { c.base.CloseIdleConnections() }

// fromEngine reports whether a response came from a Docker engine. An
// engine sets Api-Version on every answer of a route it serves, errors
// included; without one, only its "page not found" for a route it does not
// know (JSON, 404) is still its own, and never for a route every engine
// serves (a JSON API answering 404 to everything is not an engine).
func fromEngine(resp *http.Response) bool {
	if resp.Header.Get("Api-Version") != "" {
		return true
	}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if resp.StatusCode != http.StatusNotFound || ct != "application/json" {
		return false
	}
	return resp.Request == nil || !coreRoute.MatchString(resp.Request.URL.Path)
}

// coreRoute matches the engine API routes every engine ohdash supports
// serves (the ones it calls), with or without the version prefix.
var coreRoute = regexp.MustCompile(`^(/v[0-9]+\.[0-9]+)?/(_ping|version|info|events|containers/.+)$`)

// excerpt sums a body up for an error message: an HTML page by its title,
// anything else by its start; whitespace collapsed, control and escape
// sequences removed, cut to excerptRunes.
func excerpt(body string) string {
	if t, ok := htmlTitle(body); ok {
		body = t
	}
	s, _ := sanitize.String(strings.Join(strings.Fields(body), " "), sanitize.Options{StripColor: true, Literal: true})
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= excerptRunes {
		return s
	}
	return string([]rune(s)[:excerptRunes-1]) + "…"
}

// htmlTitle returns the text of an HTML page's <title>, if it has one.
func htmlTitle(body string) (string, bool) {
	lower := asciiLower(body) // same length as body, unlike strings.ToLower
	i := strings.Index(lower, "<title>")
	if i < 0 {
		return "", false
	}
	i += len("<title>")
	j := strings.Index(lower[i:], "</title>")
	if j < 0 {
		return "", false
	}
	return body[i : i+j], true
}

// asciiLower lowers ASCII letters only, keeping every byte offset.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
