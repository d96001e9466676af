package backend

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestMaskJSON(t *testing.T) {
	const key = "maskJSONKnownKey-7Hq2Lp9"
	RememberSecret(key)
	in := `{"id":"ev1","kind":"MessageEvent","n":3,"text":"key ` + key + ` and http://u:pw12345678@h/x?api_key=abcdefgh12&y=1",` +
		`"nested":{"list":["ghp_abcdefghijklmnopqrstuvwxyz0123","plain words here"]},"` + key + `":true,"esc":"a\"b\\c\u001b"}`
	out := MaskJSON([]byte(in))
	for _, leak := range []string{key, "pw12345678", "abcdefgh12", "ghp_abcdefghijklmnopqrstuvwxyz0123"} {
		if strings.Contains(string(out), leak) {
			t.Errorf("%q left in %s", leak, out)
		}
	}
	var before, after map[string]any
	if err := json.Unmarshal([]byte(in), &before); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &after); err != nil {
		t.Fatalf("masked JSON does not decode: %v\n%s", err, out)
	}
	if len(before) != len(after) || after["n"] != 3.0 || after["esc"] != "a\"b\\c\x1b" || after["id"] != "ev1" {
		t.Errorf("masking changed more than the credentials:\n%s\n%s", in, out)
	}
	if !strings.HasPrefix(string(out), `{"id":"ev1","kind":"MessageEvent","n":3,"text":"key ••••`) {
		t.Errorf("untouched text not kept byte for byte: %s", out)
	}
	plain := []byte(`{"a":"nothing secret in here","b":[1,2]}`)
	if got := MaskJSON(plain); &got[0] != &plain[0] {
		t.Error("JSON without credentials was copied")
	}
	// A key with JSON's own quote characters in it cannot break the output.
	odd := `nasty","x":"` + "tail9876"
	RememberSecret(odd)
	b, _ := json.Marshal(map[string]string{"v": "pre " + odd + " post"})
	if err := json.Unmarshal(MaskJSON(b), &after); err != nil || strings.Contains(after["v"].(string), "tail9876") {
		t.Errorf("odd key: %v %s", err, MaskJSON(b))
	}
}
