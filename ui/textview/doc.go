// Package textview is a virtualised, wrapped, searchable view over a bounded
// ring of log lines.
//
// It exists because the stock bubbles viewport re-measures every line on
// every frame when soft-wrapping (O(n) per frame): 28 ms at 10k lines, 286 ms
// at 100k. Here the scroll position is an anchor (line index, wrapped
// sub-row) rather than a global row number, so a frame wraps only the lines
// it shows and costs O(screen) whatever the ring holds, wrap on or off.
//
// Search is a case-insensitive substring search over the text without
// escapes. Its match count is made in bounded steps (Search, then SearchStep
// while SearchPending), so no single call scans a whole 100k-line ring.
//
// The view owns no keys: a pane (ui/logs, ui/events) maps its key bindings
// onto the scroll, wrap and search methods here.
//
// Text is expected to be sanitised (printable text plus well-formed SGR
// sequences, see backend/logbuf.Line). Anything else that slips through is
// dropped at render time, never written to the terminal.
//
// A Model holds its lines by reference: copies of a Model share one line
// store, so always keep the Model returned by the last call, as with any
// Bubble Tea component.
package textview
