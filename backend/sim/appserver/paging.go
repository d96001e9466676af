package appserver

import (
	"net/http"
	"strconv"

	"github.com/ohdash/ohdash/backend/sim/wire"
)

// parseLimit reads limit as the routers declare it (gt=0, le/lte=100,
// default 100), answering FastAPI's 422 for anything else.
func parseLimit(w http.ResponseWriter, r *http.Request) (int, bool) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 100, true
	}
	n, err := strconv.Atoi(v)
	switch {
	case err != nil:
		wire.WriteValidation(w, wire.ValidationError("int_parsing", []any{"query", "limit"}, "Input should be a valid integer, unable to parse string as an integer", v))
		return 0, false
	case n <= 0:
		wire.WriteValidation(w, wire.ValidationError("greater_than", []any{"query", "limit"}, "Input should be greater than 0", v))
		return 0, false
	case n > 100:
		wire.WriteValidation(w, wire.ValidationError("less_than_equal", []any{"query", "limit"}, "Input should be less than or equal to 100", v))
		return 0, false
	}
	return n, true
}

// offsetOf reads page_id as upstream's services do: a stringified offset,
// where anything that is not an integer starts from the beginning.
func offsetOf(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page_id"))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// page cuts one page out of n items: the range [from, to) and the next
// page id (nil when nothing follows).
func page(n, offset, limit int) (from, to int, next any) {
	from = min(offset, n)
	to = min(from+limit, n)
	if to < n {
		next = strconv.Itoa(to)
	}
	return from, to, next
}
