package stream

import (
	"context"
	"testing"
	"time"
)

func TestStartSupersedesAndCancels(t *testing.T) {
	var s Stream
	s, first := s.Start(context.Background())
	g1 := s.Gen()
	s, second := s.Start(context.Background())
	if s.Current(g1) || !s.Current(s.Gen()) {
		t.Fatalf("generation %d still current after a new start (now %d)", g1, s.Gen())
	}
	if first.Err() == nil {
		t.Fatal("the superseded stream's context was not cancelled")
	}
	s = s.Release()
	if second.Err() == nil || !s.Current(g1+1) {
		t.Fatal("Release must cancel without superseding")
	}
}

func TestWaitDeliversThenReportsClosed(t *testing.T) {
	ch := make(chan int, 1)
	ch <- 7
	close(ch)
	if it, ok := Wait(3, ch)().(Item[int]); !ok || it.Value != 7 || it.Gen != 3 {
		t.Fatalf("first wait: %#v", it)
	}
	if c, ok := Wait(3, ch)().(Closed[int]); !ok || c.Gen != 3 {
		t.Fatalf("second wait: %#v", c)
	}
	// Another item type is another message type: one kind of stream never
	// takes another's end for its own.
	var msg any = Closed[int]{Gen: 3}
	if _, ok := msg.(Closed[string]); ok {
		t.Fatal("Closed[int] taken for Closed[string]")
	}
}

func TestDrainLetsAProducerFinish(t *testing.T) {
	ch := make(chan int)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 100 {
			ch <- i
		}
		close(ch)
	}()
	Drain(ch)()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the producer is still blocked")
	}
	if Drain[int](nil) != nil {
		t.Fatal("draining no channel must be no Cmd")
	}
}
