package main

import (
	"bufio"
	"log"
	"net"
	"os"
	"strings"
	"testing"
)

// TestFaultNotEngineJSONServer: DOCKER_HOST pointing at a JSON API that
// answers 404 {"message":"page not found"} to everything, and sends bytes
// after its answers (a body after a HEAD answer, say). ls says the server
// is not a Docker engine and exits 4 (it said "not found", exit 3), and
// nothing reaches stderr behind ohdash's back: Go's HTTP client logs
// "Unsolicited response received on idle HTTP channel" through the
// standard logger, straight to the process's stderr.
func TestFaultNotEngineJSONServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if line != "\r\n" {
						continue // the request line and headers
					}
					body := `{"message":"page not found"}`
					// The answer, then stray bytes the client did not ask for.
					_, _ = c.Write([]byte("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 28\r\n\r\n" + body + body))
				}
			}()
		}
	}()
	var logged lockedBuffer
	log.SetOutput(&logged)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })

	h := newHarness(t)
	h.env["DOCKER_HOST"] = "tcp://" + ln.Addr().String()
	r := h.run("ls")
	if r.code != exitUnreachable || !strings.Contains(r.stderr, "not a Docker engine") {
		t.Errorf("ls: exit %d, stderr %q; want %d and \"not a Docker engine\"", r.code, r.stderr, exitUnreachable)
	}
	if s := logged.String(); s != "" {
		t.Errorf("written to stderr behind ohdash's back: %q", s)
	}
}
