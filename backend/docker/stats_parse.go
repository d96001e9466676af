package docker

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
)

// Parsers of the proc and cgroup files Stats reads: pure functions over
// the bytes, so fixtures test them.

// parseMountinfo picks the cgroup mounts out of a mountinfo file.
func parseMountinfo(b []byte) []cgroupMount {
	var out []cgroupMount
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		sep := -1
		for i, x := range f {
			if x == "-" {
				sep = i
				break
			}
		}
		if sep < 5 || len(f) < sep+4 {
			continue
		}
		m := cgroupMount{root: f[3], point: unescapeMount(f[4])}
		switch f[sep+1] {
		case "cgroup2":
			m.v2 = true
		case "cgroup":
			for _, o := range strings.Split(f[sep+3], ",") {
				if o != "rw" && o != "ro" && !strings.Contains(o, "=") {
					m.controllers = append(m.controllers, o)
				}
			}
		default:
			continue
		}
		out = append(out, m)
	}
	return out
}

// unescapeMount undoes mountinfo's octal escapes of space, tab, newline
// and backslash.
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	r := strings.NewReplacer(`\040`, " ", `\011`, "\t", `\012`, "\n", `\134`, `\`)
	return r.Replace(s)
}

func parseMemTotal(b []byte) uint64 {
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				n, _ := strconv.ParseUint(f[0], 10, 64)
				if len(f) == 2 && f[1] == "kB" {
					n *= 1024
				}
				return n
			}
		}
	}
	return 0
}

// parseBlkioV1 sums the Read and Write lines of a v1 blkio file
// ("8:0 Read 4096"); n is how many device lines it had.
func parseBlkioV1(b []byte) (read, write uint64, n int) {
	for line := range strings.SplitSeq(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue // "Total N" and blank lines
		}
		v, err := strconv.ParseUint(f[2], 10, 64)
		if err != nil {
			continue
		}
		n++
		switch strings.ToLower(f[1]) {
		case "read":
			read += v
		case "write":
			write += v
		}
	}
	return read, write, n
}

// parseIOStatV2 sums rbytes and wbytes over the devices of a v2 io.stat
// ("8:0 rbytes=4096 wbytes=0 rios=1 ...").
func parseIOStatV2(b []byte) (read, write uint64) {
	for line := range strings.SplitSeq(string(b), "\n") {
		for _, kv := range strings.Fields(line) {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				continue
			}
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				continue
			}
			switch k {
			case "rbytes":
				read += n
			case "wbytes":
				write += n
			}
		}
	}
	return read, write
}

// parseNetDev sums received and sent bytes over a network namespace's
// interfaces but loopback, as the stats API counts them.
func parseNetDev(b []byte) (rx, tx uint64, ok bool) {
	for line := range strings.SplitSeq(string(b), "\n") {
		name, rest, found := strings.Cut(line, ":")
		if !found {
			continue // the two header lines
		}
		name = strings.TrimSpace(name)
		f := strings.Fields(rest)
		if name == "lo" || len(f) < 9 {
			continue
		}
		r, err1 := strconv.ParseUint(f[0], 10, 64)
		t, err2 := strconv.ParseUint(f[8], 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		rx, tx = rx+r, tx+t
	}
	return rx, tx, true
}

func parseKV(b []byte) map[string]uint64 {
	out := map[string]uint64{}
	for line := range strings.SplitSeq(string(b), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok {
			continue
		}
		if n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64); err == nil {
			out[k] = n
		}
	}
	return out
}
