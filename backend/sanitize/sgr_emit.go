package sanitize

import "strconv"

// appendTransition appends the canonical SGR sequence that takes a terminal
// from style from to style to (which differ). Output is deterministic, so
// sanitising already-sanitised text reproduces it byte for byte.
func appendTransition(dst []byte, from, to style) []byte {
	if to == (style{}) {
		return append(dst, "\x1b[m"...)
	}
	dst = append(dst, "\x1b["...)
	sep := false
	if from.attrs&^to.attrs != 0 {
		// Switching attributes off: a reset is shorter and unambiguous
		// (22 turns off both bold and faint).
		dst = append(dst, '0')
		sep = true
		from = style{}
	}
	for i, code := range attrOn {
		bit := uint16(1) << i
		if to.attrs&bit != 0 && from.attrs&bit == 0 {
			dst = appendSep(dst, &sep)
			dst = append(dst, code...)
		}
	}
	if to.fg != from.fg {
		dst = appendSep(dst, &sep)
		dst = appendColor(dst, to.fg, 30, 90, "38", "39")
	}
	if to.bg != from.bg {
		dst = appendSep(dst, &sep)
		dst = appendColor(dst, to.bg, 40, 100, "48", "49")
	}
	return append(dst, 'm')
}

func appendSep(dst []byte, sep *bool) []byte {
	if *sep {
		dst = append(dst, ';')
	}
	*sep = true
	return dst
}

func appendColor(dst []byte, c color, base, bright int, ext, def string) []byte {
	v := int(c & colorValue)
	switch c &^ colorValue {
	case colorIndexed:
		switch {
		case v < 8:
			return strconv.AppendInt(dst, int64(base+v), 10)
		case v < 16:
			return strconv.AppendInt(dst, int64(bright+v-8), 10)
		}
		dst = append(dst, ext...)
		dst = append(dst, ";5;"...)
		return strconv.AppendInt(dst, int64(v), 10)
	case colorRGB:
		dst = append(dst, ext...)
		dst = append(dst, ";2;"...)
		dst = strconv.AppendInt(dst, int64(v>>16), 10)
		dst = append(dst, ';')
		dst = strconv.AppendInt(dst, int64(v>>8&0xff), 10)
		dst = append(dst, ';')
		return strconv.AppendInt(dst, int64(v&0xff), 10)
	}
	return append(dst, def...)
}
