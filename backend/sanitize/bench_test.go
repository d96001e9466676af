package sanitize

import (
	"strings"
	"testing"
)

func BenchmarkSanitize(b *testing.B) {
	for _, c := range []struct{ name, line string }{
		{"plain", strings.Repeat("plain log line ", 7)[:100]},
		{"sgr", "\x1b[32mINFO\x1b[0m \x1b[2m12345678\x1b[0m request handled" + strings.Repeat(".", 53)},
		{"cjk", strings.Repeat("日志行中文内容", 5)},
		{"progress", "downloading  10%\rdownloading  50%\rdownloading 100%\r\n"},
		{"hostile", "\x1b]0;title\x07\x1b[2J\x1b]8;;http://x/\x1b\\link\x1b]8;;\x1b\\ \x1b[?1049h text"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			s := New(Options{})
			src := []byte(c.line)
			var dst []byte
			for b.Loop() {
				dst, _ = s.Append(dst[:0], src)
			}
		})
	}
}
