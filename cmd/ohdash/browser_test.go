package main

import "testing"

// A browser is opened only where one can appear on this user's screen:
// not over SSH, not on Linux without a display; always on macOS.
func TestBrowserOpener(t *testing.T) {
	cases := []struct {
		env  map[string]string
		goos string
		want bool
	}{
		{map[string]string{"DISPLAY": ":0"}, "linux", true},
		{map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, "linux", true},
		{map[string]string{}, "linux", false},
		{map[string]string{"DISPLAY": ":0", "SSH_CONNECTION": "10.0.0.7 5 10.0.0.1 22"}, "linux", false},
		{map[string]string{"SSH_TTY": "/dev/pts/3"}, "darwin", false},
		{map[string]string{}, "darwin", true},
		{map[string]string{"DISPLAY": ":0"}, "windows", false},
	}
	for _, c := range cases {
		got := browserOpener(func(k string) string { return c.env[k] }, c.goos) != nil
		if got != c.want {
			t.Errorf("%s %v: opener %v, want %v", c.goos, c.env, got, c.want)
		}
	}
}
