package docker

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend"
)

// hostilePage is what a web server might answer: a page of HTML, with an
// escape sequence planted in its title.
var hostilePage = "<!DOCTYPE HTML>\n<html><head><title>Error \x1b]0;pwned\x07response\u202e</title></head>\n<body>" +
	strings.Repeat("<p>filler</p>\n", 2000) + "</body></html>\n"

// A DOCKER_HOST that points at a web server: every call fails as
// "unavailable" (never "not found", which the server's 404 would say),
// naming the server and summing its answer up in a short, clean excerpt.
func TestNotADockerEngine(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusOK, http.StatusForbidden} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(hostilePage))
		}))
		host := "tcp://" + srv.Listener.Addr().String()
		b, err := New(Options{Host: host, Getenv: func(string) string { return "" }})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		_, listErr := b.List(ctx)
		_, logsErr := b.Logs(ctx, DefaultV1Prefix+"x", backend.LogOptions{})
		for _, err := range []error{listErr, logsErr} {
			var ne *NotEngineError
			switch {
			case err == nil:
				t.Fatalf("HTTP %d: no error", status)
			case errors.Is(err, backend.ErrNotFound):
				t.Errorf("HTTP %d: %v reads as not found", status, err)
			case !errors.Is(err, backend.ErrUnavailable) || !errors.As(err, &ne):
				t.Errorf("HTTP %d: %v, want ErrUnavailable and a NotEngineError", status, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, host) || !strings.Contains(msg, "not a Docker engine") {
				t.Errorf("HTTP %d: %q does not say what is at %s", status, msg, host)
			}
			if len(msg) > 300 || strings.Contains(msg, "<p>") || strings.ContainsAny(msg, "\x1b\x07\u202e\n") {
				t.Errorf("HTTP %d: the answer is relayed raw (%d bytes): %.200q", status, len(msg), msg)
			}
			if !strings.Contains(msg, `"Error response"`) {
				t.Errorf("HTTP %d: %q lacks the page's title", status, msg)
			}
		}
		_ = b.Close()
		srv.Close()
	}
}

func TestExcerpt(t *testing.T) {
	for in, want := range map[string]string{
		"":                                   "",
		"  plain\n\ttext  ":                  "plain text",
		"<TITLE>Not Found</Title>":           "Not Found",
		"<title>unclosed":                    "<title>unclosed",
		strings.Repeat("é", 200):             strings.Repeat("é", excerptRunes-1) + "…",
		"\u009b31mC1\u202ebidi \x1b[2Jclear": "C1bidi clear",
		"bad \xff byte":                      "bad \uFFFD byte",
		"İ<title>x</title>":                  "x",
	} {
		if got := excerpt(in); got != want {
			t.Errorf("excerpt(%.40q) = %q, want %q", in, got, want)
		}
	}
}

// TestFaultNotADockerEngineJSON404: a JSON API that answers 404
// {"message":"page not found"} to everything (as an engine does only for
// a route it does not know) is not taken for an engine: listing and logs
// say "not a Docker engine" (unavailable), never "not found", which sent
// `ohdash ls` to exit 3.
func TestFaultNotADockerEngineJSON404(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"message":"page not found"}`))
	}))
	defer srv.Close()
	host := "tcp://" + srv.Listener.Addr().String()
	b, err := New(Options{Host: host, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	_, listErr := b.List(ctx)
	_, logsErr := b.Logs(ctx, DefaultV1Prefix+"x", backend.LogOptions{})
	for _, err := range []error{listErr, logsErr} {
		var ne *NotEngineError
		if errors.Is(err, backend.ErrNotFound) || !errors.Is(err, backend.ErrUnavailable) || !errors.As(err, &ne) {
			t.Errorf("%v, want ErrUnavailable and a NotEngineError, not ErrNotFound", err)
		}
	}
}
