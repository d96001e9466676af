package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// Duration is a time.Duration written as a Go duration string ("5s",
// "1m30s") in the file and the environment.
type Duration time.Duration

// UnmarshalText parses "5s"; a bare number is refused because its unit
// would be a guess.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(strings.TrimSpace(string(b)))
	if err != nil {
		return fmt.Errorf("duration %q: want a number with a unit, like \"5s\" or \"2m\"", string(b))
	}
	if v < 0 {
		return fmt.Errorf("duration %q must not be negative", string(b))
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes the Go duration string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// Std returns the time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// Interval is how often something periodic runs, written like Duration,
// or "off" (stored as 0) to switch it off.
type Interval time.Duration

// UnmarshalText parses "2s", or "off" (and "0s") for off.
func (d *Interval) UnmarshalText(b []byte) error {
	if strings.TrimSpace(string(b)) == "off" {
		*d = 0
		return nil
	}
	var v Duration
	if err := v.UnmarshalText(b); err != nil {
		return fmt.Errorf("%w, or \"off\"", err)
	}
	*d = Interval(v)
	return nil
}

// MarshalText writes the Go duration string, or "off".
func (d Interval) MarshalText() ([]byte, error) {
	if d == 0 {
		return []byte("off"), nil
	}
	return Duration(d).MarshalText()
}

// Std returns the time.Duration (0: off).
func (d Interval) Std() time.Duration { return time.Duration(d) }

// ByteSize is a size in bytes, written as a number or with a unit:
// "64MiB", "512KiB", "1GiB" (and the decimal kB, MB, GB).
type ByteSize int64

var byteUnits = []struct {
	suffix string
	factor int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"kB", 1000}, {"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000}, {"B", 1},
}

// UnmarshalText parses "16MiB" or "1048576".
func (s *ByteSize) UnmarshalText(b []byte) error {
	text := strings.TrimSpace(string(b))
	num, factor := text, int64(1)
	for _, u := range byteUnits {
		if strings.HasSuffix(text, u.suffix) {
			num, factor = strings.TrimSpace(strings.TrimSuffix(text, u.suffix)), u.factor
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/factor {
		return fmt.Errorf("size %q: want a byte count like 1048576 or \"64MiB\"", text)
	}
	*s = ByteSize(n * factor)
	return nil
}

// MarshalText writes the size with the largest binary unit that divides it.
func (s ByteSize) MarshalText() ([]byte, error) {
	n := int64(s)
	for _, u := range []struct {
		suffix string
		factor int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n != 0 && n%u.factor == 0 {
			return []byte(strconv.FormatInt(n/u.factor, 10) + u.suffix), nil
		}
	}
	return []byte(strconv.FormatInt(n, 10)), nil
}

// Secret is a credential read from the file. It prints masked everywhere
// (fmt, JSON, TOML, slog), like backend.Secret, which it wraps.
type Secret struct{ backend.Secret }

// UnmarshalText keeps the value.
func (s *Secret) UnmarshalText(b []byte) error {
	s.Secret = backend.NewSecret(strings.TrimSpace(string(b)))
	return nil
}

// MarshalText writes the masked form: a configuration printed from a
// Config never carries the credential.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// KeyList is the keys of one action: a string or a list of strings in the
// file; an empty list leaves the action unbound.
type KeyList []string

// UnmarshalTOML accepts "x" or ["x", "ctrl+x"].
func (k *KeyList) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		*k = KeyList{v}
		return nil
	case []any:
		out := make(KeyList, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return fmt.Errorf("keys: want strings, got %T", e)
			}
			out = append(out, s)
		}
		*k = out
		return nil
	}
	return errors.New(`keys: want a key ("P") or a list of keys (["P", "ctrl+p"]); [] unbinds the action`)
}

// parseBool accepts the spellings people use in environment variables.
func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "t", "true", "yes", "y", "on":
		return true, nil
	case "0", "f", "false", "no", "n", "off", "":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean (use true or false)", s)
}
