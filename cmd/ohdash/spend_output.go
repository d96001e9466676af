package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/spend"
	"github.com/ohdash/ohdash/ui/format"
)

// spendJSON is `ohdash spend --json`. Field names are stable: new ones
// may be added, none renamed or removed. Costs are USD; days are UTC.
type spendJSON struct {
	Time      string              `json:"time"`
	Since     string              `json:"since"`
	Total     spendTotalJSON      `json:"total"`
	ByModel   []spendGroupJSON    `json:"by_model"`
	BySandbox []spendGroupJSON    `json:"by_sandbox"`
	ByBackend []spendGroupJSON    `json:"by_backend"`
	LastHour  spendWindowJSON     `json:"last_hour"`
	Today     spendDayJSON        `json:"today"`
	Days      []spendDayJSON      `json:"days"`
	Top       []conversationJSON  `json:"top"`
	Crossed   []spendCrossingJSON `json:"budget_crossed"`
	// History is the spend history file, or null when none could be used.
	History *spendHistoryJSON `json:"history"`
}

type spendTotalJSON struct {
	Cost          float64    `json:"cost"`
	Tokens        tokensJSON `json:"tokens"`
	Conversations int        `json:"conversations"`
}

type spendGroupJSON struct {
	Name string `json:"name"`
	// Backend is the sandbox's backend (by_sandbox only).
	Backend string `json:"backend,omitempty"`
	spendTotalJSON
}

type spendWindowJSON struct {
	Cost   float64    `json:"cost"`
	Tokens tokensJSON `json:"tokens"`
	// CoveredSeconds is how much of the hour the history covers.
	CoveredSeconds int64 `json:"covered_seconds"`
}

type spendDayJSON struct {
	Date   string     `json:"date"`
	Cost   float64    `json:"cost"`
	Tokens tokensJSON `json:"tokens"`
}

type spendCrossingJSON struct {
	Backend string  `json:"backend"`
	Window  string  `json:"window"`
	Limit   float64 `json:"limit"`
	Spent   float64 `json:"spent"`
	Date    string  `json:"date,omitempty"`
}

type spendHistoryJSON struct {
	File  string  `json:"file"`
	First *string `json:"first"`
	Last  *string `json:"last"`
}

func tokens(t backend.TokenUsage) tokensJSON {
	return tokensJSON{Prompt: t.Prompt, Completion: t.Completion, CacheRead: t.CacheRead, CacheWrite: t.CacheWrite,
		Reasoning: t.Reasoning, Total: t.Total()}
}

func spendTotal(t spend.Total) spendTotalJSON {
	return spendTotalJSON{Cost: t.Cost, Tokens: tokens(t.Tokens), Conversations: t.Conversations}
}

func spendGroups(gs []spend.Group) []spendGroupJSON {
	out := make([]spendGroupJSON, len(gs))
	for i, g := range gs {
		// Names came from servers: masked here, escaped by writeJSON.
		out[i] = spendGroupJSON{Name: backend.MaskText(g.Name), Backend: g.Backend, spendTotalJSON: spendTotal(g.Total)}
	}
	return out
}

func toSpendJSON(now time.Time, h *spend.History, res spend.Result) spendJSON {
	r := res.Report
	out := spendJSON{
		Time: now.UTC().Format(time.RFC3339), Since: r.Since.UTC().Format(time.RFC3339),
		Total: spendTotal(res.Summary.Total), ByModel: spendGroups(res.Summary.ByModel),
		BySandbox: spendGroups(res.Summary.BySandbox), ByBackend: spendGroups(res.Summary.ByBackend),
		LastHour: spendWindowJSON{Cost: r.LastHour.Cost, Tokens: tokens(r.LastHour.Tokens), CoveredSeconds: int64(r.HourCovered / time.Second)},
		Today:    spendDayJSON{Date: now.UTC().Format(time.DateOnly), Cost: r.Today.Cost, Tokens: tokens(r.Today.Tokens)},
		Days:     []spendDayJSON{}, Top: []conversationJSON{}, Crossed: []spendCrossingJSON{},
	}
	for _, d := range r.Days {
		out.Days = append(out.Days, spendDayJSON{Date: d.Date, Cost: d.Cost, Tokens: tokens(d.Tokens)})
	}
	for _, c := range res.Summary.Top {
		out.Top = append(out.Top, toConversationJSON(c))
	}
	for _, c := range res.Crossed {
		out.Crossed = append(out.Crossed, spendCrossingJSON{Backend: c.Backend, Window: string(c.Window), Limit: c.Limit, Spent: c.Spent, Date: c.Date})
	}
	if h != nil {
		out.History = &spendHistoryJSON{File: backend.MaskText(h.Path()), First: timeJSON(r.First), Last: timeJSON(r.Last)}
	}
	return out
}

// writeSpendText prints the plain report. Every name came from a server
// (models, sandbox ids, titles) and is sanitised and masked.
func writeSpendText(a *app, now time.Time, history bool, res spend.Result) {
	w := a.io.out
	s, r := res.Summary, res.Report
	fmt.Fprintf(w, "total      %s  %s tokens (prompt %s, completion %s, cache read %s, cache write %s)  %d conversations\n",
		format.Cost(s.Total.Cost), format.Count(s.Total.Tokens.Total()), format.Count(s.Total.Tokens.Prompt),
		format.Count(s.Total.Tokens.Completion), format.Count(s.Total.Tokens.CacheRead), format.Count(s.Total.Tokens.CacheWrite),
		s.Total.Conversations)
	if history {
		fmt.Fprintf(w, "last hour  %s%s\n", format.Cost(r.LastHour.Cost), coverage(r))
		fmt.Fprintf(w, "today      %s (UTC)\n", format.Cost(r.Today.Cost))
	} else {
		fmt.Fprintln(w, "last hour  — (no spend history)")
	}
	groups := func(title string, gs []spend.Group) {
		if len(gs) == 0 {
			return
		}
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "%s\tCOST\tTOKENS\tCONVERSATIONS\n", title)
		for _, g := range gs {
			name := backend.SafeText(g.Name)
			if g.Backend != "" {
				name = backend.SafeText(g.Backend) + "/" + name
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", oneLine(name, 60), format.Cost(g.Cost), format.Count(g.Tokens.Total()), g.Conversations)
		}
		_ = tw.Flush()
	}
	groups("MODEL", s.ByModel)
	groups("SANDBOX", s.BySandbox)
	groups("BACKEND", s.ByBackend)
	if history && len(r.Days) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "DAY (UTC)\tCOST\tTOKENS")
		for _, d := range r.Days {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", d.Date, format.Cost(d.Cost), format.Count(d.Tokens.Total()))
		}
		_ = tw.Flush()
	}
	writeTopConversations(w, now, s.Top)
}

// coverage says how much of the last hour the history covers, when not all.
func coverage(r spend.Report) string {
	if r.HourCovered >= time.Hour {
		return ""
	}
	if r.HourCovered <= 0 {
		return " (no history yet: this is the first snapshot)"
	}
	return fmt.Sprintf(" (history covers the last %s only)", r.HourCovered.Round(time.Second))
}

func writeTopConversations(w io.Writer, now time.Time, top []backend.Conversation) {
	if len(top) == 0 {
		return
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CONVERSATION\tSANDBOX\tMODEL\tCOST\tTOKENS\tUPDATED\tTITLE")
	for _, c := range top {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", backend.SafeText(c.ID), oneLine(backend.SafeText(c.SandboxID), 40),
			oneLine(backend.SafeText(c.Model), 40), format.Cost(c.Cost), format.Count(c.Tokens.Total()),
			format.Age(now, c.UpdatedAt), oneLine(backend.SafeText(c.Title), 50))
	}
	_ = tw.Flush()
}
