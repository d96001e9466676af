package main

import (
	"context"
	"fmt"
	"os/exec"
	"time"
)

// browserOpener returns how the dashboard opens a URL in a local browser,
// or nil when there is none to open: over SSH (SSH_CONNECTION or SSH_TTY
// set) a browser would open on the server, if anywhere; on Linux and the
// BSDs without DISPLAY or WAYLAND_DISPLAY there is no graphical session.
// macOS always has one. The dashboard then lists the URLs to copy.
func browserOpener(getenv func(string) string, goos string) func(ctx context.Context, url string) error {
	if getenv("SSH_CONNECTION") != "" || getenv("SSH_TTY") != "" {
		return nil
	}
	opener := "xdg-open"
	switch goos {
	case "darwin":
		opener = "open"
	case "windows":
		return nil
	default:
		if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
			return nil
		}
	}
	return func(ctx context.Context, url string) error {
		// The URL is one argument, never through a shell; xdg-open hands
		// it to the browser and returns.
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, opener, url)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %w (%s)", opener, err, firstLine(string(out)))
		}
		return nil
	}
}

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}
