package wire

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
)

// NewUUID returns a random version 4 UUID in its dashed text form, the
// form of str(uuid.uuid4()).
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return dashed(hex.EncodeToString(b[:]))
}

// NewHex returns 16 random bytes as 32 hex digits (uuid4().hex).
func NewHex() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ParseUUID accepts a UUID the way FastAPI's UUID path type does for the
// forms clients use (dashed or 32 hex digits, any case, optional braces
// or urn:uuid: prefix) and returns its dashed lower-case form.
func ParseUUID(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "urn:uuid:")
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	h := strings.ReplaceAll(s, "-", "")
	if len(h) != 32 {
		return "", false
	}
	if len(s) != 32 && (len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') {
		return "", false
	}
	if _, err := hex.DecodeString(h); err != nil {
		return "", false
	}
	return dashed(h), true
}

// Hex returns the 32-digit form of a dashed UUID (uuid.hex).
func Hex(dashedID string) string { return strings.ReplaceAll(dashedID, "-", "") }

func dashed(h string) string {
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
