package sanitize

// style is the SGR state of one cell: a small comparable value, so "did the
// style change" is a single comparison and cells can carry it cheaply.
type style struct {
	attrs  uint16
	fg, bg color
}

// color is a terminal colour: zero is the terminal's default, otherwise the
// top byte says which kind and the low 24 bits hold the value.
type color uint32

const (
	colorIndexed color = 1 << 24 // | palette index 0–255
	colorRGB     color = 2 << 24 // | r<<16 | g<<8 | b
	colorValue   color = 1<<24 - 1
)

// SGR attributes kept by the sanitiser. Conceal (8) is deliberately not
// among them: text an attacker hides in a log viewer is still in the log.
const (
	attrBold uint16 = 1 << iota
	attrFaint
	attrItalic
	attrUnderline
	attrBlink
	attrReverse
	attrStrike
	attrOverline
	attrCount = iota
)

// attrOn are the codes that switch each attribute on, in bit order; the
// canonical output lists attributes in this order.
var attrOn = [attrCount]string{"1", "2", "3", "4", "5", "7", "9", "53"}

// sgrMaxValue caps parameter values while parsing so hostile digit runs
// cannot overflow; every meaningful value is far below it.
const sgrMaxValue = 9999

// applySGR updates st with the parameters of one SGR sequence (the bytes
// between "ESC [" and "m", already checked to be digits, ';' and ':').
// Unknown or malformed parameters are ignored, like a terminal does.
func applySGR(st style, params []byte) style {
	if len(params) == 0 {
		return style{}
	}
	for len(params) > 0 {
		var p sgrParam
		params = p.parse(params)
		switch v := p.v[0]; {
		case p.n > 1 && (v == 38 || v == 48):
			// Colon form: 38:5:n, 38:2:r:g:b or 38:2:cs:r:g:b (ITU T.416).
			c, ok := p.colonColor()
			st = setColor(st, v, c, ok)
		case v == 38 || v == 48:
			// Semicolon form: 38;5;n or 38;2;r;g;b; consumes what follows.
			var c color
			var ok bool
			c, ok, params = semicolonColor(params)
			st = setColor(st, v, c, ok)
		case v == 58:
			// Underline colour: not kept, but its arguments are consumed so
			// they are not misread as attributes.
			if p.n == 1 {
				_, _, params = semicolonColor(params)
			}
		default:
			st = applyCode(st, v, p)
		}
	}
	return st
}

// attrCodes maps the SGR codes that switch attributes on or off to the bits
// they set and clear.
var attrCodes = [56]struct{ set, clear uint16 }{
	1: {set: attrBold}, 2: {set: attrFaint}, 3: {set: attrItalic}, 4: {set: attrUnderline},
	5: {set: attrBlink}, 6: {set: attrBlink}, 7: {set: attrReverse}, 9: {set: attrStrike},
	21: {set: attrUnderline}, // double underline, shown as single
	22: {clear: attrBold | attrFaint}, 23: {clear: attrItalic}, 24: {clear: attrUnderline},
	25: {clear: attrBlink}, 27: {clear: attrReverse}, 29: {clear: attrStrike},
	53: {set: attrOverline}, 55: {clear: attrOverline},
}

// applyCode applies one plain SGR code.
func applyCode(st style, v int, p sgrParam) style {
	switch {
	case v == 0:
		return style{}
	case v == 4 && p.n > 1 && p.v[1] == 0:
		// 4:0 switches underline off; 4:1…4:5 pick a style shown as single.
		st.attrs &^= attrUnderline
	case v >= 30 && v <= 37:
		st.fg = colorIndexed | color(v-30)
	case v == 39:
		st.fg = 0
	case v >= 40 && v <= 47:
		st.bg = colorIndexed | color(v-40)
	case v == 49:
		st.bg = 0
	case v >= 90 && v <= 97:
		st.fg = colorIndexed | color(v-90+8)
	case v >= 100 && v <= 107:
		st.bg = colorIndexed | color(v-100+8)
	case v < len(attrCodes):
		a := attrCodes[v]
		st.attrs = st.attrs&^a.clear | a.set
	}
	return st
}

func setColor(st style, which int, c color, ok bool) style {
	if !ok {
		return st
	}
	if which == 38 {
		st.fg = c
	} else {
		st.bg = c
	}
	return st
}

// sgrParam is one ';'-separated parameter with its ':' sub-parameters; -1
// marks an empty one. Sub-parameters past the sixth are ignored.
type sgrParam struct {
	v [6]int
	n int
}

// parse reads one parameter from the front of b and returns the rest, past
// the ';' that ended it.
func (p *sgrParam) parse(b []byte) []byte {
	p.n = 1
	p.v[0] = -1
	for i, c := range b {
		switch {
		case c == ';':
			p.finish()
			return b[i+1:]
		case c == ':':
			if p.n < len(p.v) {
				p.v[p.n] = -1
			}
			p.n++
		case p.n <= len(p.v):
			v := &p.v[p.n-1]
			if *v < 0 {
				*v = 0
			}
			*v = min(*v*10+int(c-'0'), sgrMaxValue)
		}
	}
	p.finish()
	return nil
}

func (p *sgrParam) finish() {
	p.n = min(p.n, len(p.v))
	if p.v[0] < 0 {
		p.v[0] = 0 // an empty parameter means 0
	}
}

func (p *sgrParam) colonColor() (color, bool) {
	switch p.v[1] {
	case 5:
		if p.n >= 3 {
			return indexed(p.v[2])
		}
	case 2:
		if p.n >= 6 {
			return rgb(p.v[3], p.v[4], p.v[5])
		}
		if p.n == 5 {
			return rgb(p.v[2], p.v[3], p.v[4])
		}
	}
	return 0, false
}

// semicolonColor reads the arguments of "38;5;n" / "38;2;r;g;b" from b.
func semicolonColor(b []byte) (color, bool, []byte) {
	var kind sgrParam
	if len(b) == 0 {
		return 0, false, b
	}
	b = kind.parse(b)
	var args [3]sgrParam
	switch kind.v[0] {
	case 5:
		if len(b) == 0 {
			return 0, false, b
		}
		b = args[0].parse(b)
		c, ok := indexed(args[0].v[0])
		return c, ok, b
	case 2:
		for i := range args {
			if len(b) == 0 {
				return 0, false, b
			}
			b = args[i].parse(b)
		}
		c, ok := rgb(args[0].v[0], args[1].v[0], args[2].v[0])
		return c, ok, b
	}
	return 0, false, b
}

func indexed(n int) (color, bool) {
	if n < 0 || n > 255 {
		return 0, false
	}
	return colorIndexed | color(n), true
}

func rgb(r, g, b int) (color, bool) {
	if r < 0 || r > 255 || g < 0 || g > 255 || b < 0 || b > 255 {
		return 0, false
	}
	return colorRGB | color(r<<16|g<<8|b), true
}
