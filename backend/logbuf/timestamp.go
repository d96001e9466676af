package logbuf

import "time"

// stamp is a Docker log timestamp as seconds and nanoseconds since the Unix
// epoch: cheap to compare, converted to a time.Time only for a Line.
type stamp struct {
	sec  int64
	nsec int32
}

func (a stamp) cmp(b stamp) int {
	switch {
	case a.sec != b.sec:
		if a.sec < b.sec {
			return -1
		}
		return 1
	case a.nsec != b.nsec:
		if a.nsec < b.nsec {
			return -1
		}
		return 1
	}
	return 0
}

func (a stamp) time() time.Time {
	return time.Unix(a.sec, int64(a.nsec)).UTC()
}

func stampOf(t time.Time) stamp {
	return stamp{sec: t.Unix(), nsec: int32(t.Nanosecond())}
}

// fixedLen is the length of Docker's timestamp prefix without its space:
// RFC 3339 in UTC with exactly nine fraction digits,
// "2006-01-02T15:04:05.000000000Z".
const fixedLen = 30

// maxStampLen bounds the slow path: RFC 3339 with nine fraction digits and a
// numeric zone offset is 35 bytes.
const maxStampLen = 40

// parseStamp parses a timestamp prefix (without the space after it). The
// fixed form Docker writes is parsed by hand, without allocating; anything
// else RFC 3339 accepts goes through time.Parse.
func parseStamp(b []byte) (stamp, bool) {
	if len(b) == fixedLen && b[fixedLen-1] == 'Z' {
		if st, ok := parseFixed(b); ok {
			return st, true
		}
	}
	if len(b) > maxStampLen {
		return stamp{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		return stamp{}, false
	}
	return stampOf(t), true
}

// parseFixed parses "2006-01-02T15:04:05.000000000Z".
func parseFixed(b []byte) (stamp, bool) {
	if b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[19] != '.' {
		return stamp{}, false
	}
	year, ok1 := digits(b[0:4])
	month, ok2 := digits(b[5:7])
	day, ok3 := digits(b[8:10])
	hour, ok4 := digits(b[11:13])
	minute, ok5 := digits(b[14:16])
	sec, ok6 := digits(b[17:19])
	nsec, ok7 := digits(b[20:29])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) ||
		month < 1 || month > 12 || day < 1 || day > daysIn(year, month) ||
		hour > 23 || minute > 59 || sec > 59 {
		return stamp{}, false
	}
	days := daysFromCivil(year, month, day)
	return stamp{sec: days*86400 + int64(hour*3600+minute*60+sec), nsec: int32(nsec)}, true
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil counts days from 1970-01-01 to the given proleptic Gregorian
// date (H. Hinnant's algorithm; years here are 0–9999).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// stampByteOK reports whether c can be byte i of a timestamp, so input that
// is not one is recognised at its first byte rather than after 40.
func stampByteOK(i int, c byte) bool {
	switch i {
	case 4, 7:
		return c == '-'
	case 10:
		return c == 'T'
	case 13, 16:
		return c == ':'
	}
	if i < 19 {
		return c >= '0' && c <= '9'
	}
	return c >= '0' && c <= '9' || c == '.' || c == 'Z' || c == '+' || c == '-' || c == ':'
}
