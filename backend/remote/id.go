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
// reach a URL path. Ids seen in /list come from any client, so only what
// would break the path is refused.
func checkID(id string) error {
	if id == "" || len(id) > 256 || strings.ContainsAny(id, "/?#%\\ \t\r\n") {
		return fmt.Errorf("%w: %q is not a remote sandbox id", backend.ErrInvalidID, id)
	}
	return nil
}
