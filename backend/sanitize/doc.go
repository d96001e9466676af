// Package sanitize makes untrusted text safe for a terminal. Container
// logs, agent output, conversation titles, labels, ids and error bodies
// from APIs are attacker-controlled: every one of them passes through here
// before it meets a style or an output, in the dashboard, on the command
// line, in JSON and in log files.
//
// The Sanitizer works like a one-line terminal: tabs move to the next tab
// stop, "\r" returns to column 0 and later text overwrites, "\b" moves one
// cell left, horizontal cursor moves are resolved, and canonical SGR colour
// is kept (or stripped); every other control, C1 control, bidi override and
// escape sequence (cursor moves, OSC 0/8/52, DCS, APC) is dropped and
// invalid UTF-8 replaced. EscapeJSON does the same job for JSON output,
// writing the characters JSON allows but a terminal must not see as \u
// escapes. Verify tells whether a text is safe, for tests and checks.
package sanitize
