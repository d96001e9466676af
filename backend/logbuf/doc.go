// Package logbuf is ohdash's log buffer: the path from a container's Docker
// log stream to lines the UI can show, bounded in memory and safe to print.
//
// The pieces, in the order bytes flow through them:
//
//   - the decoder demultiplexes Docker's stdcopy frames (only when the
//     container has no TTY), strips the timestamp of every log entry, joins
//     the 16 KiB pieces Docker cuts long lines into and assembles lines per
//     stream, across reads split anywhere;
//   - the sanitiser (package backend/sanitize, shared with agent events,
//     titles and every other outside string) turns each line into printable
//     text plus canonical SGR colour;
//   - the Ring queues lines between the reader goroutine and the consumer,
//     capped by lines and bytes, dropping the oldest and counting them (for
//     a display that must stay live), or, in lossless mode, making the
//     reader wait for the consumer (for a command line's complete output);
//   - the Pipeline ties them together for one log stream: Feed reads an
//     attachment (and re-attachments, skipping what Docker replays), and
//     Batches delivers at most one Batch per flush interval.
//
// Container output is attacker-controlled; nothing from it reaches a
// terminal except through the sanitiser.
package logbuf
