package remote

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"

	"github.com/ohdash/ohdash/backend"
)

const base62Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// newSandboxID returns base62 of 16 random bytes, the id OpenHands gives a
// remote sandbox (and sends as the runtime API session_id).
func newSandboxID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generating a sandbox id: %w", err)
	}
	return base62(b[:]), nil
}

func base62(b []byte) string {
	n := new(big.Int).SetBytes(b)
	if n.Sign() == 0 {
		return "0"
	}
	base := big.NewInt(62)
	mod := new(big.Int)
	var out []byte
	for n.Sign() > 0 {
		n.DivMod(n, base, mod)
		out = append(out, base62Digits[mod.Int64()])
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}

// checkID rejects ids that cannot be a runtime API session id, before they
// reach a URL path.
func checkID(id string) error { return plausibleID(id) }

// maxIDLen bounds an id: OpenHands' are 22 (base62) or 32-36 (hex, UUID).
const maxIDLen = 256

// plausibleID refuses, at the edge, ids that no runtime API client makes:
// anything but letters, digits and "-_.:~@+=", or longer than maxIDLen.
// Ids in /list come from any client, so the rule is wide, but an id with an
// escape sequence, a control, a blank or a path character is never stored
// (it would be printed by every command and persisted in the state file).
// The error quotes the id shortened and escaped.
func plausibleID(id string) error {
	ok := id != "" && len(id) <= maxIDLen
	for i := 0; ok && i < len(id); i++ {
		c := id[i]
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.:~@+=", c) >= 0
	}
	if ok {
		return nil
	}
	shown := id
	if len(shown) > 40 {
		shown = shown[:40] + "…"
	}
	return fmt.Errorf("%w: %+q is not a remote sandbox id", backend.ErrInvalidID, shown)
}

// checkIDs refuses a runtime whose session id or runtime id is not
// plausible: it is reported, never stored or shown.
func (r *runtimeInfo) checkIDs() error {
	for _, id := range []string{r.SessionID, r.runtimeID()} {
		if id == "" {
			continue
		}
		if err := plausibleID(id); err != nil {
			return fmt.Errorf("runtime API: a runtime left out: %w", err)
		}
	}
	return nil
}
