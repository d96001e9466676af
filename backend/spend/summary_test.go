package spend

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
)

func conv(src, sb, id, model string, cost float64, prompt int64) backend.Conversation {
	return backend.Conversation{ID: id, SandboxID: sb, Source: src, Model: model, Cost: cost,
		Tokens: backend.TokenUsage{Prompt: prompt, Completion: prompt / 10, CacheRead: prompt / 3, CacheWrite: 1, Reasoning: 2},
		Status: backend.ExecRunning}
}

func names(gs []Group) []string {
	var out []string
	for _, g := range gs {
		out = append(out, fmt.Sprintf("%s=%.2f/%d", g.Name, g.Cost, g.Conversations))
	}
	return out
}

func TestSummarise(t *testing.T) {
	for _, tc := range []struct {
		name                        string
		convs                       []backend.Conversation
		total                       float64
		byModel, bySandbox, backend []string
		top                         []string
	}{
		{name: "empty"},
		{
			name: "by model, sandbox and backend",
			convs: []backend.Conversation{
				conv("docker", "sb1", "a", "claude", 1.5, 1000),
				conv("docker", "sb1", "b", "gpt", 0.5, 100),
				conv("docker", "sb2", "c", "claude", 2, 10),
				conv("eval", "sb9", "d", "", 0.25, 10),
			},
			total:     4.25,
			byModel:   []string{"claude=3.50/2", "gpt=0.50/1", "(unknown)=0.25/1"},
			bySandbox: []string{"sb1=2.00/2", "sb2=2.00/1", "sb9=0.25/1"},
			backend:   []string{"docker=4.00/3", "eval=0.25/1"},
			top:       []string{"c", "a", "b"},
		},
		{
			name: "the same sandbox id on two backends stays two sandboxes; a conversation listed twice counts once",
			convs: []backend.Conversation{
				conv("docker", "sb", "a", "m", 1, 1), conv("eval", "sb", "b", "m", 2, 1), conv("eval", "sb", "b", "m", 2, 1),
			},
			total: 3, byModel: []string{"m=3.00/2"}, bySandbox: []string{"sb=2.00/1", "sb=1.00/1"},
			backend: []string{"eval=2.00/1", "docker=1.00/1"}, top: []string{"b", "a"},
		},
		{
			name: "broken costs count as zero",
			convs: []backend.Conversation{
				conv("d", "s", "nan", "m", math.NaN(), -5), conv("d", "s", "neg", "m", -3, 1), conv("d", "s", "inf", "m", math.Inf(1), 1),
				conv("d", "s", "ok", "m", 0.1, 1),
			},
			total: 0.1, byModel: []string{"m=0.10/4"}, bySandbox: []string{"s=0.10/4"}, backend: []string{"d=0.10/4"},
			top: []string{"ok", "inf", "nan"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Summarise(tc.convs, 3)
			if math.Abs(s.Total.Cost-tc.total) > 1e-9 {
				t.Errorf("total %v, want %v", s.Total.Cost, tc.total)
			}
			if s.Total.Tokens.Prompt < 0 {
				t.Errorf("negative tokens %+v", s.Total.Tokens)
			}
			for _, c := range []struct {
				what      string
				got, want []string
			}{{"by model", names(s.ByModel), tc.byModel}, {"by sandbox", names(s.BySandbox), tc.bySandbox}, {"by backend", names(s.ByBackend), tc.backend}} {
				if !slices.Equal(c.got, c.want) {
					t.Errorf("%s: %q, want %q", c.what, c.got, c.want)
				}
			}
			var top []string
			for _, c := range s.Top {
				top = append(top, c.ID)
			}
			if !slices.Equal(top, tc.top) {
				t.Errorf("top %q, want %q", top, tc.top)
			}
		})
	}
}

func TestSummariseTokensSum(t *testing.T) {
	s := Summarise([]backend.Conversation{conv("d", "s", "a", "m", 1, 300), conv("d", "s", "b", "m", 1, 600)}, 1)
	want := backend.TokenUsage{Prompt: 900, Completion: 90, CacheRead: 300, CacheWrite: 2, Reasoning: 4}
	if s.Total.Tokens != want {
		t.Fatalf("tokens %+v, want %+v", s.Total.Tokens, want)
	}
	if len(s.Top) != 1 {
		t.Fatalf("top capped at 1: %d", len(s.Top))
	}
}

// fleet is n conversations across sandboxes sandboxes and 4 models, as
// a refreshed list of a large fleet.
func fleet(n, sandboxes int) []backend.Conversation {
	models := []string{"litellm_proxy/anthropic/claude-sonnet-4-5", "gpt-5", "o3", "devstral"}
	out := make([]backend.Conversation, n)
	for i := range out {
		out[i] = conv(fmt.Sprintf("backend%d", (i%sandboxes)%3), fmt.Sprintf("oh-agent-server-%04d", i%sandboxes),
			fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i), models[i%len(models)], float64((i*7919)%1000)/100, int64(i*31))
		out[i].CreatedAt = time.Unix(int64(i), 0)
	}
	return out
}

// BenchmarkSummarise1000 is the budget "1,000 conversations across 50
// sandboxes summarised in under 50 ms"; Baseline sorts the same list by
// cost, the least a ranking must do, for a ratio in the same run.
func BenchmarkSummarise1000(b *testing.B) {
	list := fleet(1000, 50)
	b.Run("Summarise", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s := Summarise(list, 20)
			if len(s.BySandbox) != 50 {
				b.Fatal(len(s.BySandbox))
			}
		}
	})
	b.Run("BaselineSortByCost", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c := slices.Clone(list)
			slices.SortFunc(c, func(x, y backend.Conversation) int {
				switch {
				case x.Cost > y.Cost:
					return -1
				case x.Cost < y.Cost:
					return 1
				}
				return 0
			})
		}
	})
}
