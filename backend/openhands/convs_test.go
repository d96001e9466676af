package openhands

import (
	"errors"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sim/appserver"
)

func TestConversationsIncrementalRefresh(t *testing.T) {
	s := startSim(t, appserver.Config{}, appserver.SeedOptions{Sandboxes: 4, Conversations: 230, SubConversations: 3})
	b := newBackend(t, s, testKey)
	ctx := ctxT(t)
	all, err := b.AppConversations(ctx)
	if err != nil || len(all) != 230 {
		t.Fatalf("first load: %d %v", len(all), err)
	}
	if n := s.Count(appserver.RouteConvSearch); n != 3 {
		t.Fatalf("first load took %d pages", n)
	}
	withSubs, withRepo, withCost := 0, 0, 0
	for _, c := range all {
		if len(c.SubConversationIDs) > 0 {
			withSubs++
		}
		for _, d := range c.Details {
			if d.Name == "Repository" && d.Value == "acme/widgets" {
				withRepo++
			}
		}
		if c.Cost > 0 && c.Tokens.Prompt > 0 {
			withCost++
		}
	}
	if withSubs != 3 || withRepo == 0 || withCost == 0 {
		t.Fatalf("parents %d, repos %d, costed %d", withSubs, withRepo, withCost)
	}
	before := s.Count(appserver.RouteConvSearch)
	again, err := b.AppConversations(ctx)
	if err != nil || len(again) != 230 || s.Count(appserver.RouteConvSearch)-before != 1 {
		t.Fatalf("quiet refresh: %d convs, %d requests, %v", len(again), s.Count(appserver.RouteConvSearch)-before, err)
	}
	time.Sleep(1100 * time.Millisecond) // past the overlap window
	hex := s.ConversationIDs()[7]
	s.SetTitle(hex, "Renamed by the app-server")
	before = s.Count(appserver.RouteConvSearch)
	again, _ = b.AppConversations(ctx)
	id, _ := backend.ParseConversationID(hex)
	found := false
	for _, c := range again {
		found = found || (c.ID == id && c.Title == "Renamed by the app-server")
	}
	if !found || s.Count(appserver.RouteConvSearch)-before != 1 {
		t.Fatalf("change not picked up in one request (found %v)", found)
	}
}

func TestStartTaskToReadyAndToError(t *testing.T) {
	s := startSim(t, appserver.Config{StepDelay: time.Millisecond}, appserver.SeedOptions{})
	s.FailRepository("acme/gone", "Repository acme/gone not found")
	b := newBackend(t, s, testKey)
	ctx := ctxT(t)
	task, err := b.StartConversation(ctx, NewConversation{Text: "Fix the tests", Repository: "acme/widgets", Branch: "main"})
	if err != nil || task.Status != "WORKING" {
		t.Fatalf("start: %v %+v", err, task)
	}
	var seen []string
	done, err := b.FollowStart(ctx, task.ID, 2*time.Millisecond, func(st StartTask) { seen = append(seen, st.Status) })
	if err != nil || done.ConversationID == "" || done.SandboxID == "" {
		t.Fatalf("follow: %v %+v", err, done)
	}
	if seen[len(seen)-1] != "READY" || len(seen) < 2 {
		t.Fatalf("progress: %v", seen)
	}
	task, _ = b.StartConversation(ctx, NewConversation{Text: "x", Repository: "acme/gone"})
	done, err = b.FollowStart(ctx, task.ID, 2*time.Millisecond, nil)
	if !errors.Is(err, ErrStartFailed) || done.Status != "ERROR" || done.Detail != "Repository acme/gone not found" {
		t.Fatalf("error task: %v %+v", err, done)
	}
}
