package remote

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/remote/store"
)

// entry is everything the backend knows about one sandbox: the persisted
// record plus what only this process has seen (the session key, the last
// API answer, probe results).
type entry struct {
	rec store.Record
	// rt is the API's last answer in this process; nil before the first
	// one and after the API said it does not know the sandbox.
	rt *runtimeInfo
	// raw is rt's encoding in the last /list when rt came from there, so
	// an unchanged runtime is recognised without decoding it again.
	raw  []byte
	key  backend.Secret
	urls []backend.ExposedURL
	// inList: present in the last /list.
	inList bool
	// settled: checked while absent from /list, so it is re-checked only
	// every GoneRecheck (at checkedAt + GoneRecheck).
	settled   bool
	checkedAt time.Time
	// gone: the API answered that it does not know the sandbox.
	gone       bool
	goneDetail string
	// startingSince is when the sandbox was first seen STARTING (or was
	// started or resumed here), for the start timeout.
	startingSince time.Time
	// wokenAt is when this process last started or resumed it: a 503 from
	// its URL soon after is the ingress catching up, not a dormant runtime.
	wokenAt time.Time
	health  backend.Health
	// paused503 is the raw state at which the sandbox's URL answered 503;
	// while the API still says the same, the sandbox is shown PAUSED.
	paused503 string
	// dirty: rec changed since it was last written to the store.
	dirty     bool
	savedSeen time.Time
}

// seenPersistEvery bounds how stale a stored LastSeen may get when nothing
// else about a sandbox changes, without rewriting every record per refresh.
const seenPersistEvery = 10 * time.Minute

// observe takes in an API answer about the sandbox (refresh sets raw
// afterwards when the answer came from /list).
func (e *entry) observe(rt runtimeInfo, now time.Time) {
	e.raw = nil
	if e.rt == nil || e.rt.URL != rt.URL || e.rt.runtimeID() != rt.runtimeID() || (rt.SessionAPIKey != "" && rt.SessionAPIKey != e.key.Reveal()) {
		e.urls = nil // rebuilt lazily
	}
	if rt.SessionAPIKey != "" {
		e.key = backend.NewSecret(rt.SessionAPIKey)
	}
	e.rt = &rt
	e.gone, e.goneDetail = false, ""
	if id := rt.runtimeID(); id != "" && id != e.rec.RuntimeID && plausibleID(id) == nil {
		e.rec.RuntimeID, e.dirty = id, true
	}
	if rt.URL != "" && rt.URL != e.rec.RuntimeURL {
		e.rec.RuntimeURL, e.dirty = rt.URL, true
	}
	e.seen(now)
	if mapStatus(rt.Status, rt.PodStatus) == backend.StatusStarting {
		if e.startingSince.IsZero() {
			e.startingSince = now
		}
	} else {
		e.startingSince = time.Time{}
	}
}

// seen notes that the API reported the sandbox at now.
func (e *entry) seen(now time.Time) {
	e.rec.LastSeen = now
	if now.Sub(e.savedSeen) >= seenPersistEvery {
		e.dirty = true
	}
}

// markGone records that the API does not know the sandbox (any more).
func (e *entry) markGone(now time.Time) {
	if !e.gone {
		last := e.rec.Status
		switch {
		case e.rec.RuntimeID == "" && e.rec.StatusDetail != "" && last == string(backend.StatusError):
			// A start that failed: that is still the news.
			e.goneDetail = "no runtime: " + e.rec.StatusDetail
		case last == "" || last == string(backend.StatusMissing):
			e.goneDetail = "the runtime API does not know this sandbox"
		default:
			e.goneDetail = fmt.Sprintf("the runtime API no longer knows it; last seen %s", last)
			if !e.rec.LastSeen.IsZero() {
				e.goneDetail += " at " + e.rec.LastSeen.Local().Format("2006-01-02 15:04:05")
			}
		}
	}
	e.rt, e.raw, e.gone, e.startingSince, e.urls = nil, nil, true, time.Time{}, nil
}

// settle updates the record's status from what is known at now and
// reports it; a change marks the record for saving.
func (e *entry) settle(now time.Time, startTimeout time.Duration) {
	st, raw, detail := e.status(now, startTimeout)
	if string(st) != e.rec.Status || raw != e.rec.RawState || detail != e.rec.StatusDetail {
		e.rec.Status, e.rec.RawState, e.rec.StatusDetail = string(st), raw, detail
		e.rec.CheckedAt = now
		e.dirty = true
	}
}

// status is the sandbox's status, raw state and detail at now. The raw
// state and the detail quote the API (pod_status, restart reasons): they
// are sanitised and masked here, once, so that neither the state file nor
// any view holds an escape sequence or a credential the API sent.
func (e *entry) status(now time.Time, startTimeout time.Duration) (backend.Status, string, string) {
	st, raw, detail := e.apiStatus(now, startTimeout)
	return st, backend.SafeText(raw), backend.SafeText(detail)
}

func (e *entry) apiStatus(now time.Time, startTimeout time.Duration) (backend.Status, string, string) {
	switch {
	case e.gone:
		return backend.StatusMissing, "unknown to the API", e.goneDetail
	case e.rt == nil:
		// Known from the store only: its last known state.
		st := backend.Status(e.rec.Status)
		if !st.Valid() {
			st = backend.StatusMissing
		}
		return st, e.rec.RawState, e.rec.StatusDetail
	}
	rt := e.rt
	st := mapStatus(rt.Status, rt.PodStatus)
	raw := rawState(rt.Status, rt.PodStatus)
	detail := ""
	switch st {
	case backend.StatusStarting:
		waited := now.Sub(e.startingSince)
		if !e.startingSince.IsZero() && waited > startTimeout {
			return backend.StatusError, raw, fmt.Sprintf("not ready after %s (start timeout %s; pod_status %q)", waited.Round(time.Second), startTimeout, rt.PodStatus)
		}
		switch strings.ToLower(rt.PodStatus) {
		case "pending":
			detail = "pod pending: waiting to be scheduled"
		case "running":
			detail = "pod running, not ready yet"
		default:
			detail = "starting"
		}
	case backend.StatusRunning:
		if e.paused503 != "" && e.paused503 == raw {
			return backend.StatusPaused, raw, "its URL answers 503 Service Unavailable, so it looks paused; resume it to wake it up"
		}
	case backend.StatusError:
		detail = "pod " + strings.ToLower(rt.PodStatus)
		if rt.PodStatus == "" {
			detail = "runtime status " + rt.Status
		}
	}
	if rt.RestartCount > 0 {
		detail = strings.TrimPrefix(detail+"; restarted "+strconv.Itoa(rt.RestartCount)+"×", "; ")
		if len(rt.RestartReasons) > 0 {
			detail += " (" + strings.Join(rt.RestartReasons, ", ") + ")"
		}
	}
	return st, raw, detail
}

// sandbox renders the entry for a snapshot; settle must have run.
func (e *entry) sandbox(source, apiHost string) backend.Sandbox {
	st := backend.Status(e.rec.Status)
	sb := backend.Sandbox{
		ID: e.rec.ID, Source: source, Flavor: backend.FlavorAgentServer,
		Status: st, RawState: e.rec.RawState, StatusDetail: e.rec.StatusDetail,
		SpecID: e.rec.SpecID, Image: e.rec.Image, CreatedAt: e.rec.CreatedAt,
		WorkingDir: e.rec.WorkingDir, Health: e.health,
	}
	if sb.Image == "" && e.rt != nil {
		sb.Image = e.rt.Image
	}
	if sb.SpecID == "" {
		sb.SpecID = sb.Image
	}
	if st != backend.StatusMissing {
		sb.SessionAPIKey = e.key
	}
	if e.rt != nil {
		if st == backend.StatusRunning {
			if e.urls == nil {
				e.urls = exposedURLs(e.rt, e.key)
			}
			sb.ExposedURLs = e.urls
		}
		if e.rt.RestartCount > 0 {
			sb.RestartCount = e.rt.RestartCount
			sb.RestartReasons = e.rt.RestartReasons
		}
	}
	if st != backend.StatusRunning && sb.Health.State != backend.HealthFailing {
		// An old "ok" says nothing about a sandbox that is not running.
		sb.Health = backend.Health{State: backend.HealthNone}
	}
	sb.Details = e.details(apiHost)
	return sb
}

func (e *entry) details(apiHost string) []backend.Field {
	f := []backend.Field{{Name: "Runtime API", Value: apiHost}}
	add := func(name, v string) {
		if v != "" {
			f = append(f, backend.Field{Name: name, Value: v})
		}
	}
	add("Runtime ID", e.rec.RuntimeID)
	if e.rec.ResourceFactor > 0 {
		add("Resource factor", strconv.Itoa(e.rec.ResourceFactor))
	}
	add("Runtime class", e.rec.RuntimeClass)
	if e.rec.StartedHere {
		add("Started by", "ohdash ("+e.rec.CreatedBy+")")
	} else {
		add("Started by", "another client (seen in /list)")
	}
	if !e.inList && !e.rec.LastSeen.IsZero() {
		add("Last seen", e.rec.LastSeen.Local().Format(time.RFC3339))
	}
	return f
}
