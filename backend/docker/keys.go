package docker

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"

	"github.com/moby/moby/api/types/container"

	"github.com/ohdash/ohdash/backend"
)

// Environment variables that carry a sandbox's session key.
const (
	envSessionKeyV1     = "OH_SESSION_API_KEYS_0"
	envSessionKeyLegacy = "SESSION_API_KEY"
	envV0Port           = "port"
	envV0VSCodePort     = "VSCODE_PORT"
	envV0AppPort1       = "APP_PORT_1"
	envV0AppPort2       = "APP_PORT_2"
)

// sensitiveWords mark environment variables whose values are credentials.
var sensitiveWords = []string{"KEY", "SECRET", "TOKEN", "PASSWORD", "PASSWD", "CREDENTIAL"}

// sensitiveEnv reports whether an environment variable likely holds a
// credential, judged by its name.
func sensitiveEnv(name string) bool {
	up := strings.ToUpper(name)
	for _, w := range sensitiveWords {
		if strings.Contains(up, w) {
			return true
		}
	}
	return false
}

// parseEnv splits KEY=VALUE entries into display variables (sensitive ones
// flagged) and a lookup map. Later duplicates win, as in a process.
func parseEnv(env []string) ([]backend.EnvVar, map[string]string) {
	vars := make([]backend.EnvVar, 0, len(env))
	m := make(map[string]string, len(env))
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if k == "" {
			continue
		}
		vars = append(vars, backend.EnvVar{Name: k, Value: v, Sensitive: sensitiveEnv(k)})
		m[k] = v
	}
	return vars, m
}

// deriveV0Key computes a V0 nested runtime's session key as OpenHands does:
// urlsafe_base64(sha256("<jwt_secret>:<conversation_id>")) without padding.
func deriveV0Key(jwtSecret, conversationID string) string {
	sum := sha256.Sum256([]byte(jwtSecret + ":" + conversationID))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// sessionKey finds a sandbox's session key: OH_SESSION_API_KEYS_0, else the
// legacy SESSION_API_KEY. For V0 sandboxes with a configured JWT secret the
// key is derived; when the environment also has one, the environment wins
// and note says that they differ.
func sessionKey(flavor backend.Flavor, env map[string]string, jwtSecret, conversationID string) (key, note string) {
	key = env[envSessionKeyV1]
	if key == "" {
		key = env[envSessionKeyLegacy]
	}
	if flavor != backend.FlavorNestedV0 || jwtSecret == "" || conversationID == "" {
		return key, ""
	}
	derived := deriveV0Key(jwtSecret, conversationID)
	switch {
	case key == "":
		return derived, "derived from the JWT secret"
	case subtle.ConstantTimeCompare([]byte(key), []byte(derived)) != 1:
		return key, "differs from the key derived from the JWT secret"
	default:
		return key, ""
	}
}

// rememberEnvSecrets remembers the credentials in a container's
// environment (the session key and every variable whose name says
// credential) as secret values, so that they are masked wherever they
// appear: a sandbox that prints its own key in its log, for instance. A
// command that reads the log has inspected the container, but not built
// the Sandbox that would otherwise have taught ohdash the key.
func rememberEnvSecrets(c container.InspectResponse) {
	if c.Config == nil {
		return
	}
	vars, _ := parseEnv(c.Config.Env)
	for _, v := range vars {
		// A number under a credential-sounding name (MAX_TOKENS=40960000)
		// is not a credential, and masking it everywhere would mangle logs.
		if v.Sensitive && strings.Trim(v.Value, "0123456789") != "" {
			backend.RememberSecret(v.Value)
		}
	}
}
