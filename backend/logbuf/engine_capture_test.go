package logbuf

import (
	"os"
	"strings"
	"testing"
	"time"
)

// The captures in testdata are what Docker Engine 20.10 (API 1.41) sent
// for GET /containers/{id}/logs?stdout=1&stderr=1&timestamps=1 after a
// FROM-scratch container ran this program, once without and once with a TTY:
//
//	fmt.Println("first line")
//	fmt.Fprintln(os.Stderr, "to stderr")
//	fmt.Println(strings.Repeat("0123456789", 4000))
//	fmt.Print("\x1b[31mred\x1b[0m progress 10%\rprogress 100%\n")
//	fmt.Print("no final newline")
//
// They pin the decoder to the real wire format: one frame per entry, 16 KiB
// pieces of the long line sharing its timestamp, "\r\n" with a TTY. (The
// red "red progress 10%" overwritten by "progress 100%" leaves "10%"
// showing, as in a terminal.)
func TestDecodeEngineCaptures(t *testing.T) {
	long := strings.Repeat("0123456789", 4000)
	for _, c := range []struct {
		file        string
		multiplexed bool
		want        []wantLine
	}{
		{"docker-20.10-logs-multiplexed.bin", true, []wantLine{
			{Stdout, stampAt(t, "2026-11-22T08:27:21.826798012Z"), "first line"},
			{Stdout, stampAt(t, "2026-11-22T08:27:21.826893152Z"), long},
			{Stdout, stampAt(t, "2026-11-22T08:27:21.827033018Z"), "progress 100%10%"},
			{Stderr, stampAt(t, "2026-11-22T08:27:21.827313661Z"), "to stderr"},
			{Stdout, stampAt(t, "2026-11-22T08:27:21.928559416Z"), "no final newline"},
		}},
		{"docker-20.10-logs-tty.bin", false, []wantLine{
			{Stdout, stampAt(t, "2026-11-22T08:27:22.940318269Z"), "first line"},
			{Stdout, stampAt(t, "2026-11-22T08:27:22.940929098Z"), "to stderr"},
			{Stdout, stampAt(t, "2026-11-22T08:27:22.943248609Z"), long},
			{Stdout, stampAt(t, "2026-11-22T08:27:22.946405420Z"), "progress 100%10%"},
			{Stdout, stampAt(t, "2026-11-22T08:27:23.012263203Z"), "no final newline"},
		}},
	} {
		t.Run(c.file, func(t *testing.T) {
			in, err := os.ReadFile("testdata/" + c.file)
			if err != nil {
				t.Fatal(err)
			}
			checkLines(t, decodeChunks(in, c.multiplexed, Options{}, 4096, 1, 30000), c.want)
			checkLines(t, decodeBytewise(in, c.multiplexed, Options{}), c.want)
		})
	}
}

func stampAt(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}
