package wire

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
)

// SessionKeyHeader is the header that carries a session API key.
const SessionKeyHeader = "X-Session-API-Key"

// WriteJSON writes v with nulls kept, as a FastAPI response model does.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	WriteRaw(w, status, Marshal(v))
}

// WriteRaw writes an encoded JSON body.
func WriteRaw(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// WriteDetail writes FastAPI's HTTPException body {"detail": detail}.
func WriteDetail(w http.ResponseWriter, status int, detail any) {
	WriteJSON(w, status, Obj{{"detail", detail}})
}

// WriteStatusDetail writes {"detail": <reason phrase>}, what FastAPI sends
// for an HTTPException raised without a detail.
func WriteStatusDetail(w http.ResponseWriter, status int) {
	WriteDetail(w, status, http.StatusText(status))
}

// WriteInternalError writes the agent-server's body for an unhandled
// exception: {"detail":"Internal Server Error","exception":…,"error_id":…}.
func WriteInternalError(w http.ResponseWriter, exception string) {
	WriteJSON(w, http.StatusInternalServerError, Obj{
		{"detail", "Internal Server Error"},
		{"exception", exception},
		{"error_id", NewHex()},
	})
}

// ValidationError is one item of a 422 {"detail": [...]} body.
func ValidationError(typ string, loc []any, msg string, input any) Obj {
	return Obj{{"type", typ}, {"loc", loc}, {"msg", msg}, {"input", input}}
}

// WriteValidation writes a 422 with the given items.
func WriteValidation(w http.ResponseWriter, items ...Obj) {
	WriteJSON(w, http.StatusUnprocessableEntity, Obj{{"detail", items}})
}

// ReadJSON decodes a JSON request body of at most maxBytes into v, writing
// FastAPI's 422 when it is not valid JSON for v.
func ReadJSON(w http.ResponseWriter, r *http.Request, v any, maxBytes int64) bool {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBytes))
	if err == nil {
		err = json.Unmarshal(body, v)
	}
	if err != nil {
		WriteValidation(w, ValidationError("json_invalid", []any{"body"}, "JSON decode error: "+err.Error(), string(body)))
		return false
	}
	return true
}
