package backend

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestSecretSetReplacesKnownValuesAnywhere(t *testing.T) {
	s := NewSecretSet()
	s.Add("short") // below the minimum: ordinary words stay readable
	s.Add("k3y-AAAAAAAAAAAAAAAA")
	s.Add("k3y-AAAAAAAAAAAAAAAA-longer")
	s.Add("k3y-AAAAAAAAAAAAAAAA") // twice is once
	if s.Len() != 2 {
		t.Fatalf("Len = %d, want 2", s.Len())
	}
	cases := map[string]string{
		"label=k3y-AAAAAAAAAAAAAAAA":               "label=••••AAAA",
		"--token=k3y-AAAAAAAAAAAAAAAA-longer tail": "--token=••••nger tail",
		"a short word":                             "a short word",
		"k3y-AAAAAAAAAAAAAAAAk3y-AAAAAAAAAAAAAAAA": "••••AAAA••••AAAA",
		"k3y-AAAAAAA":                              "k3y-AAAAAAA",
	}
	for in, want := range cases {
		if got := s.Replace(in); got != want {
			t.Errorf("Replace(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSecretSetIsBoundedAndConcurrent(t *testing.T) {
	s := NewSecretSet()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range maxKnownSecrets/2 + 10 {
				v := fmt.Sprintf("secret-%d-%08d", g, i)
				s.Add(v)
				if got := s.Replace("x " + v + " y"); strings.Contains(got, v) {
					t.Errorf("%q not masked right after Add: %q", v, got)
					return
				}
			}
		})
	}
	wg.Wait()
	if s.Len() != maxKnownSecrets {
		t.Fatalf("Len = %d, want the bound %d", s.Len(), maxKnownSecrets)
	}
}

func TestNewSecretIsMaskedEverywhere(t *testing.T) {
	key := "sess-9f8e7d6c5b4a39281706"
	_ = NewSecret(key)
	for _, in := range []string{
		"cmd --token=" + key,
		"http://h:8000/api?x=1&session_api_key=" + key,
		"label " + key,
	} {
		if got := MaskText(in); strings.Contains(got, key) {
			t.Errorf("MaskText(%q) = %q keeps the key", in, got)
		}
	}
}

func TestMaskTextFindsUnknownCredentials(t *testing.T) {
	cases := []struct{ in, leak string }{
		{"postgres://app:Pa55word-db@db:5432/app", "Pa55word-db"},
		{"ghp_abcdefghijklmnopqrstuvwxyz0123456789", "abcdefghijklmnop"},
		{"github_pat_11ABCDEFG0123456789_abcdefghijkl", "11ABCDEFG0123456789"},
		{"glpat-abcdefghij0123456789", "abcdefghij0123456789"},
		{"xoxb-123456789012-abcdefghijkl", "123456789012-abcdefghijkl"},
		{"AKIAIOSFODNN7EXAMPLE", "IOSFODNN7EXAMPLE"},
		{"Authorization: Bearer abc.def-ghi_jkl", "abc.def-ghi_jkl"},
		{"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJlLXZhbHVl", "eyJzdWIiOiIxMjM0NSJ9"},
		{"run --api-key=plainsecret42 --verbose", "plainsecret42"},
		{"https://h/x?access_token=qwertyuiop&page=2", "qwertyuiop"},
		{"invalid URL \"tcp://u:hunter2hunter@host:1\": bad port", "hunter2hunter"},
		{"parse \"http://u:pw%zzsecretpw@h\": invalid URL escape", "secretpw"},
	}
	for _, c := range cases {
		if got := MaskText(c.in); strings.Contains(got, c.leak) {
			t.Errorf("MaskText(%q) = %q keeps %q", c.in, got, c.leak)
		}
	}
	for _, keep := range []string{"max_tokens=4096 ok", "task-1234567890 done", "https://example.com/a?page=2", "plain text"} {
		if got := MaskText(keep); got != keep {
			t.Errorf("MaskText(%q) = %q, want it unchanged", keep, got)
		}
	}
}

func TestEnvDisplayMasksByValue(t *testing.T) {
	e := EnvVar{Name: "DATABASE_URL", Value: "postgres://app:S3cretPass@db/app"}
	if got := e.Display(false); strings.Contains(got, "S3cretPass") {
		t.Fatalf("Display(false) = %q", got)
	}
	if got := e.Display(true); got != e.Value {
		t.Fatalf("Display(true) = %q, want the value", got)
	}
}

func TestSafeTextDropsEscapesAndMasks(t *testing.T) {
	got := SafeText("a\x1b]0;title\x07b\u009b2J\u202e ghp_abcdefghijklmnopqrstuvwxyz")
	if strings.ContainsAny(got, "\x1b\x07\u009b\u202e") || strings.Contains(got, "abcdefghijkl") {
		t.Fatalf("SafeText = %q", got)
	}
}

func BenchmarkMaskKnownLargeSet(b *testing.B) {
	s := NewSecretSet()
	for i := range 4000 {
		s.Add(fmt.Sprintf("key-%012d-abcdef", i))
	}
	text := strings.Repeat("an ordinary line of output with nothing secret in it ", 4)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		_ = s.Replace(text)
	}
}
