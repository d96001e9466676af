package config

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

func TestBudgetConfig(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "c.toml", `
[[docker]]
name = "local"
[[remote]]
name = "eval"
url = "https://runtime.example"
api_key = "sk-budget-test-key-1234"
[budget]
per_hour = 2.5
per_day = 20
[budget.backends.eval]
per_day = 5.0
`)
	c, err := Load(LoadOptions{Path: p, Home: dir, Getenv: env{"OHDASH_BUDGET_PER_HOUR": "$3"}.get})
	if err != nil {
		t.Fatal(err)
	}
	b := c.Budget.Spend()
	if b.Global.PerHour != 3 || b.Global.PerDay != 20 || b.Backends["eval"].PerDay != 5 || b.PauseWhenCrossed {
		t.Fatalf("budget %+v; want per_hour 3 (env), per_day 20, eval 5/day, no pausing by default", b)
	}
	keys, err := c.UIKeys()
	if err != nil {
		t.Fatal(err)
	}
	var text, js bytes.Buffer
	if err := c.Print(&text, keys); err != nil {
		t.Fatal(err)
	}
	// The printout is a TOML file that reads back to the same budget.
	var back struct {
		Budget BudgetConfig `toml:"budget"`
	}
	if _, err := toml.Decode(text.String(), &back); err != nil {
		t.Fatalf("ohdash config is not valid TOML: %v\n%s", err, text.String())
	}
	if back.Budget.PerHour != 3 || back.Budget.PerDay != 20 || back.Budget.Backends["eval"].PerDay != 5 {
		t.Fatalf("read back %+v\n%s", back.Budget, text.String())
	}
	if err := c.PrintJSON(&js, keys); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"budget.per_day": 20`) || !strings.Contains(js.String(), `"budget_backends"`) {
		t.Fatalf("json lacks the budget:\n%s", js.String())
	}
}

func TestBudgetConfigRefusals(t *testing.T) {
	dir := t.TempDir()
	for body, want := range map[string]string{
		"[budget]\nper_day = -1\n":                           "not an amount",
		"[budget.backends.nosuch]\nper_day = 1.0\n":          "no backend of that name",
		"[budget.backends.\"a\\u001b[2J\"]\nper_day = 1.0\n": "no backend of that name",
		"[budget]\nper_hour = \"lots\"\n":                    "",
		"[budget]\npause_when_crossed = 1\n":                 "",
	} {
		p := writeFile(t, dir, "c.toml", body)
		_, err := Load(LoadOptions{Path: p, Home: dir, Getenv: env{}.get})
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want a configuration error saying %q", body, err, want)
			continue
		}
		if strings.ContainsRune(err.Error(), 0x1b) {
			t.Errorf("%q: the error prints an escape raw: %q", body, err)
		}
	}
	if _, err := load(t, env{"OHDASH_BUDGET_PER_DAY": "ten"}); !errors.Is(err, ErrConfig) {
		t.Errorf("a bad amount in the environment: %v", err)
	}
}
