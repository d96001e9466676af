package config

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/ohdash/ohdash/backend/spend"
)

// BudgetConfig is the [budget] table: spend limits in USD over the whole
// fleet, and optionally per backend ([budget.backends.NAME]). Zero means
// no limit.
type BudgetConfig struct {
	PerHour float64 `toml:"per_hour"`
	PerDay  float64 `toml:"per_day"`
	// PauseWhenCrossed pauses the running conversations of a crossed
	// budget's scope; off unless set.
	PauseWhenCrossed bool `toml:"pause_when_crossed"`
	// Backends are per-backend limits, by backend name.
	Backends map[string]BudgetLimits `toml:"backends"`
}

// BudgetLimits are one backend's limits.
type BudgetLimits struct {
	PerHour float64 `toml:"per_hour" json:"per_hour"`
	PerDay  float64 `toml:"per_day" json:"per_day"`
}

// Spend is the budget as package spend takes it.
func (b BudgetConfig) Spend() spend.Budget {
	out := spend.Budget{Global: spend.Limits{PerHour: b.PerHour, PerDay: b.PerDay}, PauseWhenCrossed: b.PauseWhenCrossed}
	if len(b.Backends) > 0 {
		out.Backends = make(map[string]spend.Limits, len(b.Backends))
		for n, l := range b.Backends {
			out.Backends[n] = spend.Limits{PerHour: l.PerHour, PerDay: l.PerDay}
		}
	}
	return out
}

// checkBudget refuses negative or non-finite limits and budgets for
// backends that are not configured (a typo would silently limit nothing).
func (c *Config) checkBudget(known []string) error {
	check := func(key []string, v float64) error {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s%s: %v is not an amount in USD (0 or more)", c.lineOf(key...), strings.Join(key, "."), v)
		}
		return nil
	}
	if err := check([]string{"budget", "per_hour"}, c.Budget.PerHour); err != nil {
		return err
	}
	if err := check([]string{"budget", "per_day"}, c.Budget.PerDay); err != nil {
		return err
	}
	for _, n := range sortedKeys(c.Budget.Backends) {
		l := c.Budget.Backends[n]
		if !slices.Contains(known, n) {
			return fmt.Errorf("%sbudget.backends.%q: no backend of that name is configured (backends: %s)",
				c.lineOf("budget", "backends", n), n, strings.Join(known, ", "))
		}
		if err := check([]string{"budget", "backends", n, "per_hour"}, l.PerHour); err != nil {
			return err
		}
		if err := check([]string{"budget", "backends", n, "per_day"}, l.PerDay); err != nil {
			return err
		}
	}
	return nil
}

// SpendFile is the spend history, beside the remote store in the state
// directory.
func (c *Config) SpendFile() string {
	return filepath.Join(filepath.Dir(c.StateFile), spend.FileName)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// printBudgetBackends writes the per-backend budgets as TOML tables.
func (c *Config) printBudgetBackends(p *printer) {
	for _, n := range sortedKeys(c.Budget.Backends) {
		l := c.Budget.Backends[n]
		p.line("")
		p.line("[budget.backends." + tomlQuote(n) + "]")
		p.kv("per_hour", tomlFloat(l.PerHour), "")
		p.kv("per_day", tomlFloat(l.PerDay), "")
	}
}

// parseUSD reads an amount in USD ("2.5", "$2.50").
func parseUSD(text string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimPrefix(strings.TrimSpace(text), "$"), 64)
	if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not an amount in USD (0 or more)", text)
	}
	return v, nil
}

// tomlFloat writes v as a TOML float ("2.0", not "2", which is an integer).
func tomlFloat(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}
