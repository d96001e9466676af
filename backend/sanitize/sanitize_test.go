package sanitize

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

type sanitizeCase struct {
	name, in, want string
}

// hostile is the corpus of sequences a container can print to attack or
// confuse the terminal showing its logs.
var hostile = []sanitizeCase{
	{"erase screen and home", "\x1b[2J\x1b[Hscreen cleared", "screen cleared"},
	{"cursor up then right", "\x1b[10A\x1b[5Ccursor moved", "     cursor moved"},
	{"alt screen and hidden cursor", "a\x1b[?1049hb\x1b[?25lc", "abc"},
	{"scroll region", "a\x1b[1;24rb\x1b[5Sc", "abc"},
	{"cursor position", "a\x1b[12;40Hb", "ab"},
	{"reverse index", "a\x1bMb", "ab"},
	{"OSC 0 title, BEL", "\x1b]0;pwned\x07title", "title"},
	{"OSC 2 title, ST", "\x1b]2;pwned\x1b\\title", "title"},
	{"OSC 8 hyperlink, ST", "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\ me", "click me"},
	{"OSC 8 hyperlink, BEL", "\x1b]8;id=1;http://evil.example/\x07click\x1b]8;;\x07 me", "click me"},
	{"OSC 52 clipboard, BEL", "\x1b]52;c;cHduZWQ=\x07clipboard", "clipboard"},
	{"OSC 52 clipboard, ST", "\x1b]52;c;cm0gLXJmIH4K\x1b\\clipboard", "clipboard"},
	{"OSC 52 query", "\x1b]52;c;?\x07q", "q"},
	{"DCS", "\x1bP+q544e\x1b\\dcs", "dcs"},
	{"DCS ignores BEL", "\x1bPq#0;2;0;0;0\x07still dcs\x1b\\after", "after"},
	{"APC", "\x1b_Gf=100;payload\x1b\\apc", "apc"},
	{"PM", "\x1b^private\x1b\\pm", "pm"},
	{"SOS", "\x1bXstart of string\x1b\\sos", "sos"},
	{"C1 CSI as UTF-8 is a CSI", "\u009b2Jclear", "clear"},
	{"C1 OSC with C1 ST", "\u009d0;title\u009ctext", "text"},
	{"C1 DCS", "\u0090dcs\u009cx", "x"},
	{"C1 APC", "\u009fapc\x1b\\x", "x"},
	{"C1 NEL and stray ST", "a\u0085b\u009cc", "abc"},
	{"8-bit CSI byte is invalid UTF-8", "\x9b2Jx", "\uFFFD2Jx"},
	{"unterminated OSC", "text\x1b]0;title without end", "text"},
	{"unterminated CSI", "text\x1b[31", "text"},
	{"unterminated DCS", "text\x1bPq no end", "text"},
	{"unterminated APC", "text\x1b_no end", "text"},
	{"bare ESC at end", "text\x1b", "text"},
	{"ESC before a control", "a\x1b\x07b", "ab"},
	{"nested ESC aborts CSI", "\x1b[\x1b[31mred", "\x1b[31mred\x1b[m"},
	{"ESC ends OSC and starts SGR", "\x1b]0;x\x1b[32mgreen", "\x1b[32mgreen\x1b[m"},
	{"double ESC", "\x1b\x1b[1mbold", "\x1b[1mbold\x1b[m"},
	{"CAN aborts CSI", "a\x1b[31\x18b", "ab"},
	{"control inside CSI", "a\x1b[3\x001mb", "ab"},
	{"non-ASCII ends CSI", "\x1b[3é", "é"},
	{"two-byte escapes", "a\x1b7b\x1b8c\x1bcd\x1b=e\x1b>f", "abcdef"},
	{"charset designations", "\x1b(Bx\x1b)0y\x1b#8z\x1b%Gw", "xyzw"},
	{"C0 controls and DEL", "a\x00b\x07c\x0bd\x0ce\x0ef\x1fg\x7fh\ni", "abcdefghi"},
	{"bidi override", "abc\u202edcba", "abcdcba"},
	{"bidi isolates and marks", "\u2066x\u2069\u200ey\u200f\u061cz", "xyz"},
	{"line separator", "a\u2028b\u2029c", "abc"},
	{"private SGR-like mode", "\x1b[>4;2mx\x1b[?7my", "xy"},
	{"SGR with intermediate", "\x1b[0 mx", "x"},
	{"conceal is not kept", "\x1b[8mhidden", "hidden"},
}

var sgrCases = []sanitizeCase{
	{"basic", "\x1b[31mred\x1b[0m and \x1b[1;32mbold green\x1b[0m", "\x1b[31mred\x1b[m and \x1b[1;32mbold green\x1b[m"},
	{"style left open is reset", "\x1b[31mred", "\x1b[31mred\x1b[m"},
	{"SGR without text after it", "x\x1b[31m", "x"},
	{"many attributes", "\x1b[1;2;3;4;5;7;9;53;31;42mx", "\x1b[1;2;3;4;5;7;9;53;31;42mx\x1b[m"},
	{"truecolor and 256", "\x1b[38;2;10;20;30;48;5;200mx", "\x1b[38;2;10;20;30;48;5;200mx\x1b[m"},
	{"colon truecolor", "\x1b[38:2::10:20:30mx", "\x1b[38;2;10;20;30mx\x1b[m"},
	{"colon truecolor without colour space", "\x1b[48:2:10:20:30mx", "\x1b[48;2;10;20;30mx\x1b[m"},
	{"colon 256", "\x1b[38:5:100mx", "\x1b[38;5;100mx\x1b[m"},
	{"256 low indexes normalised", "\x1b[38;5;9;48;5;1mx", "\x1b[91;41mx\x1b[m"},
	{"out of range colour ignored", "\x1b[38;5;300mx\x1b[38;2;1;2;999my", "xy"},
	{"truncated truecolor ignored", "\x1b[38;2;1mx", "x"},
	{"leading zeros and empty params", "\x1b[01;;31mx", "\x1b[31mx\x1b[m"},
	{"default fg ends style", "\x1b[31mred\x1b[39mplain", "\x1b[31mred\x1b[mplain"},
	{"attribute off uses reset", "\x1b[1;31mx\x1b[22my", "\x1b[1;31mx\x1b[0;31my\x1b[m"},
	{"add attribute keeps colour", "\x1b[31mx\x1b[4my", "\x1b[31mx\x1b[4my\x1b[m"},
	{"underline styles", "\x1b[4:3mx\x1b[4:0my\x1b[21mz", "\x1b[4mx\x1b[my\x1b[4mz\x1b[m"},
	{"underline colour consumed", "\x1b[58;5;4;1mx\x1b[58;2;1;2;3mz", "\x1b[1mxz\x1b[m"},
	{"bright colours", "\x1b[97;104mx", "\x1b[97;104mx\x1b[m"},
	{"huge parameter", "\x1b[99999999999999999999mx", "x"},
	{"redundant SGR collapses", "\x1b[31m\x1b[31m\x1b[32mx", "\x1b[32mx\x1b[m"},
}

var tabCases = []sanitizeCase{
	{"tab stop", "a\tb", "a       b"},
	{"tab at a stop", "12345678\tx", "12345678        x"},
	{"tab alone", "\t", "        "},
	{"tab after wide", "中\tx", "中      x"},
	{"tab after combining", "e\u0301\tx", "e\u0301       x"},
	{"tab does not paint", "\x1b[41ma\tb", "\x1b[41ma\x1b[m       \x1b[41mb\x1b[m"},
	{"tab after carriage return", "abcdefghij\r\tX", "abcdefghXj"},
}

var overwriteCases = []sanitizeCase{
	{"progress", "progress 10%\rprogress 100%", "progress 100%"},
	{"shorter overwrite", "abc\rX", "Xbc"},
	{"CRLF", "abc\r", "abc"},
	{"CR CR", "abc\r\r", "abc"},
	{"backspaces", "back\b\b\bspace", "bspace"},
	{"backspace at end", "ab\b", "ab"},
	{"backspace past column 0", "a\b\b\bX", "X"},
	{"colours per cell", "\x1b[31mred\r\x1b[32mG", "\x1b[32mG\x1b[31med\x1b[m"},
	{"overwrite half a wide char", "中文\rX", "X 文"},
	{"wide over two cells", "ab\r中", "中"},
	{"backspace into a wide char", "a中\bX", "a X"},
	{"wide over a wide char's right half", "中文\r\x1b[C字", " 字 "},
	{"combining at column 0 is dropped", "abc\r\u0301", "abc"},
	{"combining joins the cell", "e\rE\u0301", "E\u0301"},
	{"cluster replaced", "e\u0301\rE", "E"},
	{"erase to end", "abcdef\r\x1b[3C\x1b[K", "abc"},
	{"erase line", "ab\r\x1b[K", ""},
	{"erase whole line keeps column", "abc\x1b[2Kdef", "   def"},
	{"erase to start", "abcdef\x1b[3D\x1b[1K", "    ef"},
	{"yarn progress", "step 1\x1b[2K\x1b[1Gstep 2", "step 2"},
	{"column absolute", "\x1b[5Gx", "    x"},
	{"cursor back then text", "hello\x1b[3Dy", "heylo"},
	{"erase to end at end is a no-op", "abc\x1b[K", "abc"},
}

var utf8Cases = []sanitizeCase{
	{"invalid byte", "a\xffb", "a\uFFFDb"},
	{"truncated sequence", "\xe4\xb8", "\uFFFD\uFFFD"},
	{"surrogate", "\xed\xa0\x80", "\uFFFD\uFFFD\uFFFD"},
	{"overlong", "\xc0\xaf", "\uFFFD\uFFFD"},
	{"real replacement character kept", "\uFFFD", "\uFFFD"},
	{"invalid in overwrite", "ab\r\xff", "\uFFFDb"},
}

func TestSanitizeCorpus(t *testing.T) {
	groups := map[string][]sanitizeCase{
		"hostile": hostile, "sgr": sgrCases, "tab": tabCases, "overwrite": overwriteCases, "utf8": utf8Cases,
	}
	for group, cases := range groups {
		for _, c := range cases {
			t.Run(group+"/"+c.name, func(t *testing.T) {
				got, w := String(c.in, Options{})
				if got != c.want {
					t.Fatalf("Bytes(%q)\n got %q\nwant %q", c.in, got, c.want)
				}
				checkSanitized(t, got, w)
				if again, w2 := String(got, Options{}); again != got || w2 != w {
					t.Errorf("not idempotent: %q -> %q (%d -> %d)", got, again, w, w2)
				}
			})
		}
	}
}

func TestSanitizeStripColor(t *testing.T) {
	strip := Options{StripColor: true}
	for _, c := range append(append([]sanitizeCase{}, sgrCases...), overwriteCases...) {
		got, w := String(c.in, strip)
		if want := ansi.Strip(c.want); got != want {
			t.Errorf("%s: StripColor Bytes(%q) = %q, want %q", c.name, c.in, got, want)
		}
		checkSanitized(t, got, w)
	}
}

func TestSanitizeTabWidth(t *testing.T) {
	for tw, want := range map[int]string{4: "ab  c", 1: "ab c", 8: "ab      c", 0: "ab      c", 100: "ab" + strings.Repeat(" ", 30) + "c"} {
		if got, _ := String("ab\tc", Options{TabWidth: tw}); got != want {
			t.Errorf("TabWidth %d: got %q, want %q", tw, got, want)
		}
	}
}

func TestSanitizeWidth(t *testing.T) {
	for in, want := range map[string]int{
		"plain":                   5,
		"中文":                      4,
		"日本語テキスト":                 14,
		"한국어":                     6,
		"😀":                       2,
		"👍🏽":                      2,
		"👨\u200d👩\u200d👧":         2,
		"🇯🇵":                      2,
		"e\u0301":                 1,
		"a\u0300\u0301\u0302":     1,
		"\x1b[31m中\x1b[m文":        4,
		"\x1b]0;t\x07x\u0301":     1,
		"tab\t中":                  10,
		"\u0301leading combining": 17,
	} {
		got, w := String(in, Options{})
		if w != want {
			t.Errorf("width of %q (-> %q) = %d, want %d", in, got, w, want)
		}
		checkSanitized(t, got, w)
	}
}

func TestSanitizeAppendsAndReuses(t *testing.T) {
	s := New(Options{})
	dst := []byte("prefix|")
	for _, c := range append(append([]sanitizeCase{}, hostile...), overwriteCases...) {
		out, _ := s.Append(dst, []byte(c.in))
		if got := string(out); got != "prefix|"+c.want {
			t.Errorf("%s: Append = %q, want %q", c.name, got, "prefix|"+c.want)
		}
	}
	out, w := Bytes(nil, []byte("\x1b[1mx"), Options{})
	if string(out) != "\x1b[1mx\x1b[m" || w != 1 {
		t.Errorf("Bytes = %q, %d", out, w)
	}
}

func TestSanitizePlainASCIIFastPath(t *testing.T) {
	line := strings.Repeat("plain printable ascii 0123456789 ", 3)
	allocs := testing.AllocsPerRun(100, func() {
		out, w := String(line, Options{})
		if out != line || w != len(line) {
			t.Fatal("plain line changed")
		}
	})
	if allocs != 0 {
		t.Errorf("plain ASCII allocated %v times", allocs)
	}
	for _, s := range []string{"abcdefg\x1fhijklmnop", "abcdefghijklm\x7fn", "abcdefghijklmnopé", "\x80abcdefgh"} {
		if plainASCII([]byte(s)) {
			t.Errorf("plainASCII(%q) = true", s)
		}
	}
}

func TestSanitizeBoundsCursorMoves(t *testing.T) {
	in := strings.Repeat("\x1b[9999Cx", 100)
	out, _ := String(in, Options{})
	// Moves stop cursorSlack cells past the input's length; text after
	// that still goes on the line.
	if len(out) > 2*len(in)+cursorSlack {
		t.Errorf("%d input bytes became %d output bytes", len(in), len(out))
	}
}

// checkSanitized fails unless s holds only printable text and canonical SGR
// sequences and w is the width the UI will measure.
func checkSanitized(t testing.TB, s string, w int) {
	t.Helper()
	if err := Verify(s); err != nil {
		t.Fatalf("unsafe output %q: %v", s, err)
	}
	if sw := ansi.StringWidth(s); sw != w {
		t.Fatalf("width of %q is %d, ansi.StringWidth says %d", s, w, sw)
	}
	if sw := ansi.StringWidth(ansi.Strip(s)); sw != w {
		t.Fatalf("width of %q is %d, of it stripped %d", s, w, sw)
	}
}

// Zero-width characters can leave stale cells where terminals disagree on
// their width, and hide differences between two texts: dropped, like the
// bidi controls, and escaped in JSON (the joiner stays, for emoji).
func TestZeroWidthCharactersDropped(t *testing.T) {
	for _, r := range []rune{0x200b, 0x200c, 0x2060, 0xfeff} {
		in := "ti" + string(r) + "tle"
		if got, w := String(in, Options{}); got != "title" || w != 5 {
			t.Errorf("%U: %q (width %d), want \"title\" (5)", r, got, w)
		}
		if got := string(EscapeJSON(nil, []byte(`"`+in+`"`))); strings.ContainsRune(got, r) {
			t.Errorf("%U kept raw in JSON: %q", r, got)
		}
		if Verify(in) == nil {
			t.Errorf("Verify accepts %U", r)
		}
	}
}
