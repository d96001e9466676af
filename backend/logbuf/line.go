package logbuf

import "time"

// Stream says which output stream a line came from.
type Stream uint8

// Output streams. TTY containers have only Stdout: Docker merges them.
const (
	Stdout Stream = 1
	Stderr Stream = 2
	// System lines are messages from the Docker daemon inside the log
	// stream (its "Error grabbing logs: ..."), not container output.
	System Stream = 3
)

// Line is one sanitised log line. Text holds printable characters and, at
// most, well-formed SGR colour sequences (never any other control or escape
// sequence), so it is safe to hand to a style or a terminal.
type Line struct {
	// Seq numbers the stream's lines from 1 in the order they were
	// decoded, across re-attachments. Lines the buffer dropped keep their
	// numbers, so a gap in Seq shows where Batch.Dropped lines were lost.
	Seq uint64
	// Time is Docker's timestamp for the line (zero when unknown).
	Time   time.Time
	Stream Stream
	Text   string
	// Width is the display width of Text in terminal cells, SGR excluded,
	// measured once when the line is made so rendering never re-measures.
	Width int
	// Continues marks a piece of a line longer than Options.MaxLineBytes
	// that the next line of the same stream continues: an output that
	// must be faithful (the command line) writes no line break after it.
	Continues bool
}

// State says where a log stream stands, for the logs pane header.
type State int

// Log stream states.
const (
	// Streaming: attached and delivering lines (following or replaying).
	Streaming State = iota
	// Waiting: the container stopped; the stream re-attaches from the last
	// timestamp when it starts again.
	Waiting
	// Reconnecting: the engine connection failed; a retry is scheduled.
	Reconnecting
	// Ended: the stream is over (not following, or the container is gone).
	Ended
	// Stalled: attached, but the engine has stopped answering (a frozen
	// engine or connection: nothing closed, nothing arrives); Err says for
	// how long. Streaming follows when it answers again.
	Stalled
)

// String names the state.
func (s State) String() string {
	switch s {
	case Waiting:
		return "waiting for restart"
	case Reconnecting:
		return "reconnecting"
	case Ended:
		return "ended"
	case Stalled:
		return "engine not answering"
	default:
		return "streaming"
	}
}

// Batch is what a log stream delivers to its consumer: at most one batch per
// flush interval (50 ms), never a message per line. A lossless pipeline
// sends one as soon as the consumer took the last, so batches grow while
// the consumer is busy.
type Batch struct {
	Lines []Line
	// Dropped is the total number of lines this stream has dropped so far
	// because the consumer fell behind the buffer's caps (cumulative);
	// always 0 for a lossless pipeline.
	Dropped uint64
	State   State
	// Err is the reason for Reconnecting or Ended, if any.
	Err error
}
