package spend

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/remote/store"
)

// FileName is the history's file name in ohdash's state directory.
const FileName = "spend.db"

// Retention bounds the history: spend is kept at minute resolution for
// MinuteSpan, then folded into hours, and dropped after Retention. Hour
// buckets start on UTC hours, so per-day totals stay exact after folding.
const (
	MinuteSpan = 24 * time.Hour
	Retention  = 7 * 24 * time.Hour
)

// clockSlack is how far ahead of ohdash's clock a server's may run before
// its times are not believed.
const clockSlack = time.Minute

// jitter is a decrease of a conversation's cumulative cost small enough to
// be rounding, not a reset.
const jitter = 1e-6

var (
	bucketMinutes = []byte("spend_minutes")
	bucketHours   = []byte("spend_hours")
	bucketLast    = []byte("spend_last")
	bucketState   = []byte("spend_state")
	keyFirst      = []byte("first")
	keyPrev       = []byte("prev")
	keyPruned     = []byte("pruned")
)

// Damage is a damaged history file moved aside.
type Damage = store.Damage

// History is the spend record in its own bbolt file. It opens the file
// only for each short transaction (with the remote store's locking,
// validation and quarantine), so a dashboard and a cron job running
// `ohdash spend` share it; every write is fsynced, so killing ohdash at
// any moment keeps every recorded snapshot.
type History struct {
	st *store.Store
}

// OpenHistory opens (creating if needed) the history at path. notify is
// told, once, of a damaged file moved aside.
func OpenHistory(ctx context.Context, path string, notify func(Damage)) (*History, error) {
	st, err := store.Open(ctx, path, store.Options{
		Notify: notify,
		Lost:   "spend history starts again from now: the rate and per-day totals before this moment are gone",
	})
	if err != nil {
		return nil, fmt.Errorf("spend history: %w", err)
	}
	return &History{st: st}, nil
}

// Path is the history file.
func (h *History) Path() string { return h.st.Path() }

// Damages lists damaged files moved aside so far.
func (h *History) Damages() []Damage { return h.st.Damages() }

// seen is what the history last saw of one conversation.
type seen struct {
	Cost    float64            `json:"c"`
	Tokens  backend.TokenUsage `json:"t"`
	Backend string             `json:"b"`
	Seen    int64              `json:"s"`
}

// Spent is spend added over some time.
type Spent struct {
	Cost   float64            `json:"c"`
	Tokens backend.TokenUsage `json:"t"`
	// ByBackend is the cost per backend (for per-backend budgets).
	ByBackend map[string]float64 `json:"b,omitempty"`
}

func (s *Spent) add(o Spent) {
	s.Cost = addCost(s.Cost, o.Cost)
	s.Tokens = addTokens(s.Tokens, o.Tokens)
	for k, v := range o.ByBackend {
		if s.ByBackend == nil {
			s.ByBackend = map[string]float64{}
		}
		s.ByBackend[k] = addCost(s.ByBackend[k], v)
	}
}

func addTokens(a, b backend.TokenUsage) backend.TokenUsage {
	return backend.TokenUsage{Prompt: addInt(a.Prompt, b.Prompt), Completion: addInt(a.Completion, b.Completion),
		CacheRead: addInt(a.CacheRead, b.CacheRead), CacheWrite: addInt(a.CacheWrite, b.CacheWrite), Reasoning: addInt(a.Reasoning, b.Reasoning)}
}

// delta is what one conversation spent since it was last seen. A counter
// that went down was reset (the conversation restarted from zero): what it
// shows now was spent since, and spend never goes negative.
func delta(cur, prev float64) float64 {
	switch d := cur - prev; {
	case d >= 0:
		return d
	case -d < jitter:
		return 0
	default:
		return cur
	}
}

func deltaInt(cur, prev int64) int64 {
	if cur >= prev {
		return cur - prev
	}
	return cur
}

func tokenDelta(cur, prev backend.TokenUsage) backend.TokenUsage {
	return backend.TokenUsage{Prompt: deltaInt(cur.Prompt, prev.Prompt), Completion: deltaInt(cur.Completion, prev.Completion),
		CacheRead: deltaInt(cur.CacheRead, prev.CacheRead), CacheWrite: deltaInt(cur.CacheWrite, prev.CacheWrite),
		Reasoning: deltaInt(cur.Reasoning, prev.Reasoning)}
}

// Record takes a snapshot at now of the conversations a refresh listed
// (only those of sandboxes that answered: a sandbox that could not be
// listed, was deleted or vanished simply adds nothing) and returns what
// they spent since the previous snapshot. Spend is the sum of each
// conversation's increase, so deleting a conversation never lowers a
// total. A conversation seen for the first time counts in full only when
// it was created after the previous snapshot; otherwise its past cost is
// a baseline, spent before the history could see it.
func (h *History) Record(ctx context.Context, now time.Time, convs []backend.Conversation) (Spent, error) {
	now = now.UTC()
	convs = dedupe(convs)
	var out Spent
	err := h.st.Update(ctx, func(tx *bolt.Tx) error {
		out = Spent{}
		b, err := buckets(tx)
		if err != nil {
			return err
		}
		prev := getTime(b.state, keyPrev)
		for _, c := range convs {
			cost, tokens := SaneCost(c.Cost), saneTokens(c.Tokens)
			k := []byte(c.Key())
			var old seen
			var d Spent
			raw := b.last.Get(k)
			known := raw != nil && json.Unmarshal(raw, &old) == nil
			if known && cost == 0 && tokens == (backend.TokenUsage{}) && (old.Cost > 0 || old.Tokens != (backend.TokenUsage{})) {
				// All zero after a non-zero count: the answer left its
				// stats out (servers skip that optional part), not a
				// reset. Nothing is spent and the last count is kept, or
				// its return would be counted again in full. A real
				// reset shows once the counter grows again.
				continue
			}
			if known {
				d = Spent{Cost: delta(cost, old.Cost), Tokens: tokenDelta(tokens, old.Tokens)}
			} else if !prev.IsZero() && c.CreatedAt.After(prev) && !c.CreatedAt.After(now.Add(clockSlack)) {
				// Created since the previous snapshot: all of it is new.
				// A creation time in the future is a server clock ahead
				// of ours, which proves nothing: a baseline, like a
				// conversation created before the history could see it.
				d = Spent{Cost: cost, Tokens: tokens}
			}
			if d.Cost > 0 {
				d.ByBackend = map[string]float64{c.Source: d.Cost}
			}
			out.add(d)
			changed := old.Cost != cost || old.Tokens != tokens || old.Backend != c.Source
			if changed || now.Unix()-old.Seen > int64(time.Hour/time.Second) {
				data, _ := json.Marshal(seen{Cost: cost, Tokens: tokens, Backend: c.Source, Seen: now.Unix()})
				if err := b.last.Put(k, data); err != nil {
					return err
				}
			}
		}
		if out.Cost > 0 || out.Tokens != (backend.TokenUsage{}) {
			if err := addTo(b.minutes, now.Truncate(time.Minute), out); err != nil {
				return err
			}
		}
		if getTime(b.state, keyFirst).IsZero() {
			if err := putTime(b.state, keyFirst, now); err != nil {
				return err
			}
		}
		if err := putTime(b.state, keyPrev, now); err != nil {
			return err
		}
		return compact(b, now)
	})
	if err != nil {
		return Spent{}, fmt.Errorf("spend history: %w", err)
	}
	return out, nil
}

// dedupe keeps one row per conversation, the one with the highest cost:
// a server whose pages overlap lists a conversation twice, one row stale,
// and the stale (lower) cost after the fresh one would read as a reset
// and be counted again in full.
func dedupe(convs []backend.Conversation) []backend.Conversation {
	at := make(map[string]int, len(convs))
	out := make([]backend.Conversation, 0, len(convs))
	for _, c := range convs {
		k := c.Key()
		if i, dup := at[k]; dup {
			if SaneCost(c.Cost) > SaneCost(out[i].Cost) {
				out[i] = c
			}
			continue
		}
		at[k] = len(out)
		out = append(out, c)
	}
	return out
}

type histBuckets struct{ minutes, hours, last, state *bolt.Bucket }

func buckets(tx *bolt.Tx) (histBuckets, error) {
	var b histBuckets
	for _, p := range []struct {
		name []byte
		dst  **bolt.Bucket
	}{{bucketMinutes, &b.minutes}, {bucketHours, &b.hours}, {bucketLast, &b.last}, {bucketState, &b.state}} {
		bk, err := tx.CreateBucketIfNotExists(p.name)
		if err != nil {
			return b, err
		}
		*p.dst = bk
	}
	return b, nil
}

// compact folds minute buckets older than MinuteSpan into hour buckets,
// drops hour buckets older than Retention, and (hourly) forgets
// conversations not seen for Retention.
func compact(b histBuckets, now time.Time) error {
	cutoff := now.Add(-MinuteSpan).Truncate(time.Hour)
	// Keys are collected first: deleting under a bbolt cursor skips keys.
	var fold [][]byte
	c := b.minutes.Cursor()
	for k, _ := c.First(); k != nil && keyTime(k).Before(cutoff); k, _ = c.Next() {
		fold = append(fold, append([]byte(nil), k...))
	}
	for _, k := range fold {
		var s Spent
		if json.Unmarshal(b.minutes.Get(k), &s) == nil && len(k) == 8 {
			if err := addTo(b.hours, keyTime(k).Truncate(time.Hour), s); err != nil {
				return err
			}
		}
		if err := b.minutes.Delete(k); err != nil {
			return err
		}
	}
	drop := now.Add(-Retention).Truncate(time.Hour)
	var old [][]byte
	c = b.hours.Cursor()
	for k, _ := c.First(); k != nil && keyTime(k).Before(drop); k, _ = c.Next() {
		old = append(old, append([]byte(nil), k...))
	}
	for _, k := range old {
		if err := b.hours.Delete(k); err != nil {
			return err
		}
	}
	if now.Sub(getTime(b.state, keyPruned)) < time.Hour {
		return nil
	}
	var stale [][]byte
	_ = b.last.ForEach(func(k, v []byte) error {
		var s seen
		if json.Unmarshal(v, &s) != nil || now.Unix()-s.Seen > int64(Retention/time.Second) {
			stale = append(stale, append([]byte(nil), k...))
		}
		return nil
	})
	for _, k := range stale {
		if err := b.last.Delete(k); err != nil {
			return err
		}
	}
	return putTime(b.state, keyPruned, now)
}

func addTo(b *bolt.Bucket, at time.Time, s Spent) error {
	k := timeKey(at)
	var cur Spent
	if raw := b.Get(k); raw != nil {
		_ = json.Unmarshal(raw, &cur)
	}
	cur.add(s)
	data, err := json.Marshal(cur)
	if err != nil {
		return err
	}
	return b.Put(k, data)
}

func timeKey(t time.Time) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(t.Unix()))
}

func keyTime(k []byte) time.Time {
	if len(k) != 8 {
		return time.Time{}
	}
	return time.Unix(int64(binary.BigEndian.Uint64(k)), 0).UTC()
}

func getTime(b *bolt.Bucket, k []byte) time.Time {
	if b == nil {
		return time.Time{}
	}
	return keyTime(b.Get(k))
}

func putTime(b *bolt.Bucket, k []byte, t time.Time) error { return b.Put(k, timeKey(t)) }
