package agentserver_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend/sim/agentserver"
	"github.com/ohdash/ohdash/backend/sim/wire"
)

type convPage struct {
	Items      []map[string]any `json:"items"`
	NextPageID *string          `json:"next_page_id"`
}

func ids(items []map[string]any) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it["id"].(string)
	}
	return out
}

func TestConversationSearchPaging(t *testing.T) {
	e := start(t, agentserver.Options{})
	base := time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC)
	var created []string
	for i := range 130 {
		created = append(created, e.seed(agentserver.SeedSpec{CreatedAt: base.Add(time.Duration(i) * time.Minute)}))
	}
	// Default: limit 100, newest first, next_page_id = hex of the next item.
	var p convPage
	e.getJSON("/api/conversations/search", http.StatusOK, &p)
	if len(p.Items) != 100 || p.NextPageID == nil {
		t.Fatalf("first page: %d items, next %v", len(p.Items), p.NextPageID)
	}
	if p.Items[0]["id"] != created[129] {
		t.Errorf("default order is not CREATED_AT_DESC")
	}
	if want := wire.Hex(created[29]); *p.NextPageID != want {
		t.Fatalf("next_page_id %s, want the hex id of the 101st item %s", *p.NextPageID, want)
	}
	// page_id is inclusive: the next page starts with that item.
	var p2 convPage
	e.getJSON("/api/conversations/search?page_id="+*p.NextPageID, http.StatusOK, &p2)
	if len(p2.Items) != 30 || p2.Items[0]["id"] != created[29] || p2.NextPageID != nil {
		t.Fatalf("second page: %d items from %v, next %v", len(p2.Items), p2.Items[0]["id"], p2.NextPageID)
	}
	// An unknown page_id, or the dashed form, restarts from the beginning.
	for _, pid := range []string{wire.Hex(newID()), created[29]} {
		var again convPage
		e.getJSON("/api/conversations/search?limit=5&page_id="+pid, http.StatusOK, &again)
		if again.Items[0]["id"] != created[129] {
			t.Errorf("page_id %s did not restart the list", pid)
		}
	}
	// limit > 100 trips the route's assert: a 500, not a 422.
	status, body := e.do(http.MethodGet, "/api/conversations/search?limit=101", nil)
	if status != http.StatusInternalServerError || !strings.Contains(string(body), `"detail":"Internal Server Error"`) {
		t.Errorf("limit=101: %d %s", status, body)
	}
	e.expect(http.MethodGet, "/api/conversations/search?limit=0", nil, http.StatusUnprocessableEntity)
	e.expect(http.MethodGet, "/api/conversations/search?limit=x", nil, http.StatusUnprocessableEntity)
	e.expect(http.MethodGet, "/api/conversations/search?sort_order=NEWEST", nil, http.StatusUnprocessableEntity)
}

func TestConversationSearchSortAndStatus(t *testing.T) {
	e := start(t, agentserver.Options{})
	base := time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC)
	a := e.seed(agentserver.SeedSpec{CreatedAt: base})
	b := e.seed(agentserver.SeedSpec{CreatedAt: base.Add(time.Hour), Status: agentserver.StatusPaused})
	c := e.seed(agentserver.SeedSpec{CreatedAt: base.Add(2 * time.Hour)})
	// Touch a: its updated_at becomes the newest. b's pause events were
	// stored at seed time, after c's backdated creation.
	e.expect(http.MethodPatch, "/api/conversations/"+a, map[string]any{"title": "touched"}, http.StatusOK)
	cases := map[string][]string{
		"CREATED_AT":      {a, b, c},
		"CREATED_AT_DESC": {c, b, a},
		"UPDATED_AT":      {c, b, a},
		"UPDATED_AT_DESC": {a, b, c},
	}
	for order, want := range cases {
		var p convPage
		e.getJSON("/api/conversations/search?sort_order="+order, http.StatusOK, &p)
		if got := ids(p.Items); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", order, got, want)
		}
	}
	var p convPage
	e.getJSON("/api/conversations/search?status=paused", http.StatusOK, &p)
	if got := ids(p.Items); !slices.Equal(got, []string{b}) {
		t.Errorf("status=paused: %v", got)
	}
}

type eventPage struct {
	Items      []event `json:"items"`
	NextPageID *string `json:"next_page_id"`
}

func TestEventSearchPagingAndFilters(t *testing.T) {
	e := start(t, agentserver.Options{})
	// 1 system prompt + 7 events for the first turn + 8 for each later
	// one (a new message first resets "finished" to "idle").
	id := e.seed(agentserver.SeedSpec{Turns: 40, Message: "Please FIX the Parser"})
	all := e.allEvents(id, "")
	if len(all) != 320 {
		t.Fatalf("%d events, want 320", len(all))
	}
	var p eventPage
	e.getJSON("/api/conversations/"+id+"/events/search?limit=10", http.StatusOK, &p)
	if *p.NextPageID != all[10].id() {
		t.Fatalf("next_page_id %s, want the id of event 10", *p.NextPageID)
	}
	e.getJSON("/api/conversations/"+id+"/events/search?limit=10&page_id="+*p.NextPageID, http.StatusOK, &p)
	if p.Items[0].id() != all[10].id() {
		t.Errorf("page_id is not inclusive")
	}
	e.getJSON("/api/conversations/"+id+"/events/search?limit=3&page_id=nope", http.StatusOK, &p)
	if p.Items[0].id() != all[0].id() {
		t.Errorf("unknown page_id did not restart")
	}
	e.getJSON("/api/conversations/"+id+"/events/search?limit=3&sort_order=TIMESTAMP_DESC", http.StatusOK, &p)
	if p.Items[0].id() != all[319].id() || *p.NextPageID != all[316].id() {
		t.Errorf("TIMESTAMP_DESC order wrong")
	}
	e.expect(http.MethodGet, "/api/conversations/"+id+"/events/search?limit=101", nil, http.StatusInternalServerError)

	// The kind filter needs the fully-qualified class path.
	fq := agentserver.QualifiedKind("MessageEvent")
	if fq != "openhands.sdk.event.llm_convertible.message.MessageEvent" {
		t.Fatalf("QualifiedKind = %s", fq)
	}
	if got := e.allEvents(id, "&kind="+fq); len(got) != 80 {
		t.Errorf("FQ kind filter: %d, want 80", len(got))
	}
	if got := e.allEvents(id, "&kind=MessageEvent"); len(got) != 0 {
		t.Errorf("short kind matched %d events, want none", len(got))
	}
	if got := e.allEvents(id, "&source=user"); len(got) != 40 {
		t.Errorf("source=user: %d", len(got))
	}
	// body: case-insensitive, MessageEvent only.
	if got := e.allEvents(id, "&body=fix+the+parser"); len(got) != 2 { // the request and the reply quoting it
		t.Errorf("body filter: %d", len(got))
	}
	if got := e.allEvents(id, "&body=drwxr-xr-x"); len(got) != 0 {
		t.Errorf("body matched a non-message event")
	}
	// timestamp bounds compare the naive strings: gte inclusive, lt exclusive.
	mid := all[100].str("timestamp")
	q := "&timestamp__gte=" + url.QueryEscape(mid) + "&timestamp__lt=" + url.QueryEscape(all[110].str("timestamp"))
	if got := e.allEvents(id, q); len(got) != 10 || got[0].id() != all[100].id() {
		t.Errorf("timestamp window: %d", len(got))
	}
	var n int
	e.getJSON("/api/conversations/"+id+"/events/count?kind="+url.QueryEscape(fq), http.StatusOK, &n)
	if n != 80 {
		t.Errorf("count kind: %d", n)
	}
	e.getJSON("/api/conversations/"+id+"/events/count", http.StatusOK, &n)
	if n != 320 {
		t.Errorf("count: %d", n)
	}
	e.expect(http.MethodGet, "/api/conversations/"+id+"/events/count?timestamp__gte=yesterday", nil, http.StatusUnprocessableEntity)
}

func TestSingleEventKeepsNulls(t *testing.T) {
	e := start(t, agentserver.Options{})
	id := e.seed(agentserver.SeedSpec{Turns: 1})
	all := e.allEvents(id, "")
	action := all[3]
	if _, ok := action["reasoning_content"]; ok {
		t.Fatalf("search result carries a null field")
	}
	var one map[string]any
	e.getJSON("/api/conversations/"+id+"/events/"+action.id(), http.StatusOK, &one)
	if v, ok := one["reasoning_content"]; !ok || v != nil {
		t.Errorf("GET one event: reasoning_content %v (present %v), want null", v, ok)
	}
	// The batch GET reads its ids from a JSON body.
	status, body := e.do(http.MethodGet, "/api/conversations/"+id+"/events", []string{action.id(), "missing"})
	var batch []json.RawMessage
	mustJSON(t, body, &batch)
	if status != http.StatusOK || len(batch) != 2 || string(batch[1]) != "null" {
		t.Errorf("batch events: %d %s", status, body)
	}
}
