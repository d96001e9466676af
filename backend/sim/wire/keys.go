package wire

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
)

// Keys are the session API keys a server accepts. Any key in the list
// passes (rotation); an empty list switches authentication off.
type Keys []string

// Enabled reports whether any key is configured.
func (k Keys) Enabled() bool { return len(k) > 0 }

// Allows reports whether got is one of the keys, or whether auth is off.
// The comparison is exact, as in the agent-server (no trimming).
func (k Keys) Allows(got string) bool {
	if len(k) == 0 {
		return true
	}
	ok := 0
	for _, want := range k {
		ok |= subtle.ConstantTimeCompare([]byte(want), []byte(got))
	}
	return ok == 1
}

// KeysFromEnv reads session keys the way the agent-server does: the
// indexed list OH_SESSION_API_KEYS_0, _1, …, else a JSON list in
// OH_SESSION_API_KEYS, else the legacy V0 variable SESSION_API_KEY.
func KeysFromEnv(getenv func(string) string) (Keys, error) {
	var keys Keys
	for i := 0; ; i++ {
		v := getenv(fmt.Sprintf("OH_SESSION_API_KEYS_%d", i))
		if v == "" {
			break
		}
		keys = append(keys, v)
	}
	if len(keys) > 0 {
		return keys, nil
	}
	if v := getenv("OH_SESSION_API_KEYS"); v != "" {
		if err := json.Unmarshal([]byte(v), &keys); err != nil {
			return nil, fmt.Errorf("OH_SESSION_API_KEYS is not a JSON list of strings: %w", err)
		}
		return keys, nil
	}
	if v := getenv("SESSION_API_KEY"); v != "" {
		return Keys{v}, nil
	}
	return nil, nil
}
