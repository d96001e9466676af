package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sanitize"
	"github.com/ohdash/ohdash/ui/format"
)

// sandboxJSON is one object of `ohdash ls --json`. The first fields are
// OpenHands' SandboxInfo names; the rest are ohdash's. Fields are only
// ever added, never renamed or removed.
type sandboxJSON struct {
	ID            string         `json:"id"`
	Status        backend.Status `json:"status"`
	SandboxSpecID string         `json:"sandbox_spec_id"`
	CreatedAt     *string        `json:"created_at"`
	ExposedURLs   []urlJSON      `json:"exposed_urls"`
	// SessionAPIKey is masked ("••••abcd") unless --show-secrets; null
	// when the sandbox has none.
	SessionAPIKey *string `json:"session_api_key"`
	Backend       string  `json:"backend"`
	// Health is ok, failing, n/a (not running / nothing to probe) or
	// unknown.
	Health         string         `json:"health"`
	HealthDetail   string         `json:"health_detail,omitempty"`
	Flavor         backend.Flavor `json:"flavor"`
	Image          string         `json:"image,omitempty"`
	State          string         `json:"state,omitempty"`
	StatusDetail   string         `json:"status_detail,omitempty"`
	ConversationID string         `json:"conversation_id,omitempty"`
}

type urlJSON struct {
	Name string `json:"name"`
	URL  string `json:"url"`
	Port int    `json:"port,omitempty"`
}

func toSandboxJSON(sb backend.Sandbox, reveal bool) sandboxJSON {
	// JSON keeps every character (writeJSON escapes the ones a terminal
	// would act on) so scripts see the data as it is; credentials in any
	// field are masked unless revealed.
	m := func(s string) string {
		if reveal {
			return s
		}
		return backend.MaskText(s)
	}
	j := sandboxJSON{
		ID: m(sb.ID), Status: sb.Status, SandboxSpecID: m(sb.SpecID), CreatedAt: timeJSON(sb.CreatedAt),
		ExposedURLs: []urlJSON{}, Backend: sb.Source, Health: sb.Health.State.String(), HealthDetail: m(sb.Health.Detail),
		Flavor: sb.Flavor, Image: m(sb.Image), State: m(sb.RawState), StatusDetail: m(sb.StatusDetail), ConversationID: m(sb.ConversationID),
	}
	for _, u := range sb.ExposedURLs {
		j.ExposedURLs = append(j.ExposedURLs, urlJSON{Name: m(u.Name), URL: m(u.Display(reveal)), Port: u.Port})
	}
	if !sb.SessionAPIKey.IsZero() {
		k := sb.SessionAPIKey.String()
		if reveal {
			k = sb.SessionAPIKey.Reveal()
		}
		j.SessionAPIKey = &k
	}
	return j
}

// timeJSON is RFC 3339 in UTC, or null when unknown.
func timeJSON(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339Nano)
	return &s
}

func setupLs(fs *flag.FlagSet) runner {
	out := listFlags(fs)
	reveal := fs.Bool("show-secrets", false, "show session API keys and URL tokens instead of masking them")
	status := fs.String("status", "", "only sandboxes with these `STATUSES` (comma-separated: RUNNING,PAUSED,...)")
	withStats := fs.Bool("stats", false, "add resource use: CPU, memory, network, block I/O, processes (takes a second)")
	return func(ctx context.Context, a *app, _ []string) error {
		want, err := parseStatuses(*status)
		if err != nil {
			return err
		}
		bs, err := a.Selected(ctx)
		if err != nil {
			return err
		}
		listings := listAll(ctx, bs)
		all, failed := collect(listings, func(sb backend.Sandbox) bool {
			return len(want) == 0 || slices.Contains(want, sb.Status)
		})
		if *withStats && !*out.quiet {
			return lsStats(ctx, a, out, listings, all, failed, *reveal)
		}
		err = out.print(a, len(all), func(i int) any { return toSandboxJSON(all[i], *reveal) },
			func(i int) string { return backend.ShowText(all[i].ID, *reveal) }, func() { writeSandboxTable(a, all, failed == nil, *reveal) })
		if err != nil {
			return err
		}
		return partial(listings, failed)
	}
}

// partial marks a listing's failure as partial when something was listed
// all the same: a backend answered, or a failed one still returned rows.
// Scripts tell "nothing could be listed" (1, 4) from "this is not all" (5).
func partial(ls []listing, failed error) error {
	if failed == nil {
		return nil
	}
	for _, l := range ls {
		if l.err == nil || len(l.sandboxes) > 0 {
			return fmt.Errorf("%w; what was printed is not all: %w", errPartial, failed)
		}
	}
	return failed
}

func parseStatuses(s string) ([]backend.Status, error) {
	if s == "" {
		return nil, nil
	}
	var out []backend.Status
	for _, f := range strings.Split(s, ",") {
		st := backend.Status(strings.ToUpper(strings.TrimSpace(f)))
		if !st.Valid() {
			return nil, usagef("--status: %q is not one of STARTING, RUNNING, PAUSED, ERROR, MISSING", f)
		}
		out = append(out, st)
	}
	return out, nil
}

// writeSandboxTable prints the table. Every value but ohdash's own words
// came from a container, a label or an API: it is sanitised (an OSC in a
// spec label must not retitle the terminal) and masked unless revealed.
func writeSandboxTable(a *app, sbs []backend.Sandbox, complete, reveal bool) {
	if len(sbs) == 0 {
		if complete {
			fmt.Fprintln(a.io.err, "no sandboxes")
		}
		return
	}
	now := time.Now()
	tw := tabwriter.NewWriter(a.io.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BACKEND\tID\tSTATUS\tHEALTH\tAGE\tSPEC")
	for _, sb := range sbs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", backend.CleanText(sb.Source), backend.ShowText(sb.ID, reveal),
			backend.CleanText(string(sb.Status)), sb.Health.State, format.Age(now, sb.CreatedAt), backend.ShowText(sb.SpecID, reveal))
	}
	_ = tw.Flush()
}

// listOutput is how a listing prints: a JSON array, ids only, or a table.
type listOutput struct {
	json, quiet *bool
}

// listFlags registers --json and --quiet.
func listFlags(fs *flag.FlagSet) listOutput {
	return listOutput{
		json:  fs.Bool("json", false, "print a JSON array (stable field names; see the README)"),
		quiet: fs.Bool("quiet", false, "print only ids, one per line"),
	}
}

// print writes n items in the chosen form.
func (o listOutput) print(a *app, n int, toJSON func(int) any, id func(int) string, table func()) error {
	switch {
	case *o.json:
		rows := make([]any, n)
		for i := range rows {
			rows[i] = toJSON(i)
		}
		return writeJSON(a.io.out, rows)
	case *o.quiet:
		for i := range n {
			fmt.Fprintln(a.io.out, id(i))
		}
	default:
		table()
	}
	return nil
}

// writeJSON writes v as indented JSON, with the characters encoding/json
// leaves raw but a terminal acts on (C1 controls, bidi overrides) escaped.
func writeJSON(w interface{ Write([]byte) (int, error) }, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(sanitize.EscapeJSON(nil, buf.Bytes()))
	return err
}
