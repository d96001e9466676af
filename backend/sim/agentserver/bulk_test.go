package agentserver_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend/sim/agentserver"
)

func TestGenerateTenThousandEvents(t *testing.T) {
	e := start(t, agentserver.Options{})
	id := e.seed(agentserver.SeedSpec{})
	total, err := e.srv.Generate(id, 10000)
	if err != nil {
		t.Fatal(err)
	}
	if total != 10001 {
		t.Fatalf("total %d, want 10001", total)
	}
	if st, _ := e.srv.Status(id); st != agentserver.StatusFinished {
		t.Errorf("status after bulk: %s", st)
	}
	all := e.allEvents(id, "")
	if len(all) != 10001 {
		t.Fatalf("REST paging returned %d", len(all))
	}
	checkEnvelope(t, all)
	server, _ := e.srv.EventIDs(id)
	for i := range all {
		if all[i].id() != server[i] {
			t.Fatalf("event %d: REST %s, server %s", i, all[i].id(), server[i])
		}
	}
}

// A client whose socket is cut misses events; reconnecting with
// resend_mode=since and the last timestamp it holds recovers them all
// (plus the inclusive duplicate).
func TestEventsWhileSocketIsCut(t *testing.T) {
	e := start(t, agentserver.Options{})
	id := e.seed(agentserver.SeedSpec{Turns: 1})
	held := e.allEvents(id, "")
	conn := e.dialKey(id, url.Values{"resend_mode": {"all"}})
	frames := readN(t, conn, 1+len(held)) // snapshot + history
	last := frames[len(frames)-1]
	if err := e.srv.DropSockets(id); err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.Generate(id, 10000); err != nil {
		t.Fatal(err)
	}
	conn = e.dialKey(id, url.Values{"resend_mode": {"since"}, "after_timestamp": {last.str("timestamp")}})
	read(t, conn, 5*time.Second)
	got := map[string]bool{}
	for len(got) < 10001 {
		id, err := tryReadID(conn, 5*time.Second)
		if err != nil {
			t.Fatalf("after %d events: %v", len(got), err)
		}
		got[id] = true
	}
	if !got[last.id()] {
		t.Errorf("since is not inclusive: the last held event was not resent")
	}
}

// BenchmarkLoadStoredEvents pages 10,000 stored events through REST (100
// requests of 100), the work behind "10,000 stored events load in < 1 s".
// BenchmarkDecodeStoredEvents decodes the same bytes without HTTP, the
// baseline to read it against.
func BenchmarkLoadStoredEvents(b *testing.B) {
	e, id := benchServer(b)
	for b.Loop() {
		page := ""
		n := 0
		for {
			path := "/api/conversations/" + id + "/events/search?limit=100"
			if page != "" {
				path += "&page_id=" + page
			}
			var p eventPage
			e.getJSON(path, http.StatusOK, &p)
			n += len(p.Items)
			if p.NextPageID == nil {
				break
			}
			page = *p.NextPageID
		}
		if n != 10001 {
			b.Fatalf("loaded %d", n)
		}
	}
}

func BenchmarkDecodeStoredEvents(b *testing.B) {
	e, id := benchServer(b)
	raw, err := e.srv.Events(id)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		for _, r := range raw {
			var ev event
			mustJSON(b, r, &ev)
		}
	}
}

func benchServer(b *testing.B) (*env, string) {
	e := start(b, agentserver.Options{})
	id, err := e.srv.Seed(agentserver.SeedSpec{Events: 10000})
	if err != nil {
		b.Fatal(err)
	}
	return e, id
}
