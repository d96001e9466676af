package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// runtimeInfo is one runtime as the API describes it. Every field is
// optional on the wire: /start has no pod_status, /sessions/{id} has no
// session_id, and the SDK's clients accept "id" for "runtime_id".
type runtimeInfo struct {
	RuntimeID     string `json:"runtime_id"`
	ID            string `json:"id"`
	SessionID     string `json:"session_id"`
	URL           string `json:"url"`
	SessionAPIKey string `json:"session_api_key"`
	Status        string `json:"status"`
	PodStatus     string `json:"pod_status"`
	// WorkHosts ({url: port}) is decoded only when URLs are built: most
	// refreshes never need it, and maps are the costliest part to decode.
	WorkHosts      json.RawMessage `json:"work_hosts"`
	RestartCount   int             `json:"restart_count"`
	RestartReasons []string        `json:"restart_reasons"`
	// Image is given by some runtime APIs (and the simulator); a
	// runtime this ohdash did not start has no other source for it.
	Image string `json:"image"`
}

func (r *runtimeInfo) runtimeID() string {
	if r.RuntimeID != "" {
		return r.RuntimeID
	}
	return r.ID
}

// startCallTimeout is the least time one /start attempt is given.
const startCallTimeout = 2 * time.Minute

// startBody is the POST /start request, shaped like the app-server's.
type startBody struct {
	Image          string            `json:"image"`
	Command        []string          `json:"command"`
	WorkingDir     string            `json:"working_dir"`
	Environment    map[string]string `json:"environment"`
	SessionID      string            `json:"session_id"`
	ResourceFactor int               `json:"resource_factor"`
	RuntimeClass   string            `json:"runtime_class,omitempty"`
	RunAsUser      int               `json:"run_as_user"`
	RunAsGroup     int               `json:"run_as_group"`
	FSGroup        int               `json:"fs_group"`
}

// list returns /list's body undecoded: refresh skips the work for an
// answer, or a runtime in it, that has not changed since the last refresh.
func (cl *client) list(ctx context.Context) ([]byte, error) {
	var body []byte
	c := call{method: http.MethodGet, path: "/list", idempotent: true}
	if err := cl.do(ctx, c, &body); err != nil {
		return nil, err
	}
	return body, nil
}

// splitList parses a /list body into its runtimes, each left undecoded.
func splitList(body []byte) ([][]byte, error) {
	if elems, err := splitRuntimesFast(body); err == nil {
		return elems, nil
	}
	return splitListJSON(body)
}

// splitListJSON is splitList by encoding/json: the reference, and the
// fallback that names what is wrong with a malformed answer.
func splitListJSON(body []byte) ([][]byte, error) {
	var out struct {
		Runtimes *[]json.RawMessage `json:"runtimes"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, fmt.Errorf("runtime API GET /list: %w: %w", ErrMalformedResponse, err)
	}
	if out.Runtimes == nil {
		return nil, fmt.Errorf("runtime API GET /list: %w: no \"runtimes\" field", ErrMalformedResponse)
	}
	elems := make([][]byte, len(*out.Runtimes))
	for i, e := range *out.Runtimes {
		elems[i] = e
	}
	return elems, nil
}

// batch fetches sessions by id; ids the API does not know are absent.
func (cl *client) batch(ctx context.Context, ids []string) ([]runtimeInfo, error) {
	var out []runtimeInfo
	c := call{method: http.MethodGet, path: "/sessions/batch", query: url.Values{"ids": ids}, idempotent: true}
	err := cl.do(ctx, c, &out)
	return out, err
}

// session fetches one session; an unknown one is an error wrapping
// backend.ErrNotFound.
func (cl *client) session(ctx context.Context, id string) (runtimeInfo, error) {
	var out runtimeInfo
	c := call{method: http.MethodGet, path: "/sessions/" + url.PathEscape(id), idempotent: true}
	if err := cl.do(ctx, c, &out); err != nil {
		return out, err
	}
	if out.SessionID == "" {
		out.SessionID = id
	}
	return out, nil
}

func (cl *client) start(ctx context.Context, body startBody) (runtimeInfo, error) {
	var out runtimeInfo
	// Scheduling a pod can take a while (an image pull): the attempt gets
	// longer than a list would.
	c := call{method: http.MethodPost, path: "/start", body: body, timeout: max(cl.timeout, startCallTimeout)}
	err := cl.do(ctx, c, &out)
	if out.SessionID == "" {
		out.SessionID = body.SessionID
	}
	return out, err
}

// lifecycle posts {"runtime_id": …} to /pause, /resume or /stop. Their
// answers are not relied on beyond a new session key from /resume, so a
// body that does not decode is not an error.
func (cl *client) lifecycle(ctx context.Context, path, runtimeID string) (runtimeInfo, error) {
	var out runtimeInfo
	// Not idempotent for retrying: a pause that timed out may have been
	// carried out, and a second one then answers an error that hides it.
	c := call{method: http.MethodPost, path: path, body: map[string]string{"runtime_id": runtimeID}}
	err := cl.do(ctx, c, &out)
	if errors.Is(err, ErrMalformedResponse) {
		err = nil
	}
	return out, err
}

// isMissingRoute reports whether err says the API has no such route (an
// older API without /sessions/batch answers 404, taking "batch" for a
// session id, or 405).
func isMissingRoute(err error) bool {
	var e *APIError
	return errors.As(err, &e) && (e.Status == http.StatusNotFound || e.Status == http.StatusMethodNotAllowed)
}

// maxQueryBytes keeps batch URLs well under the 8 KB request-line limit
// common in proxies.
const maxQueryBytes = 6000

// chunkIDs splits ids into batches of at most n ids and maxQueryBytes of
// query string each.
func chunkIDs(ids []string, n int) [][]string {
	var out [][]string
	var cur []string
	size := 0
	for _, id := range ids {
		l := len("&ids=") + len(url.QueryEscape(id))
		if len(cur) > 0 && (len(cur) >= n || size+l > maxQueryBytes) {
			out = append(out, cur)
			cur, size = nil, 0
		}
		cur = append(cur, id)
		size += l
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}
