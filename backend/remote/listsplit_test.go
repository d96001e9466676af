package remote

import (
	"bytes"
	"encoding/json"
	"testing"
)

// The fast /list splitter must agree with encoding/json: whatever it
// accepts is valid JSON split into the same elements, and splitList (fast
// path plus fallback) behaves exactly like the encoding/json reference.

var splitSeeds = []string{
	`{"runtimes": [], "total": 0}`,
	`{"runtimes":[{"runtime_id":"a","url":"http://x/a","work_hosts":{"http://w":12000},"restart_reasons":[]},{"runtime_id":"b","n":-1.5e+3,"ok":true,"x":null}],"total":2}`,
	` {"total": 1, "runtimes": [ {"s": "q\"uo\\te \u00e9 \n"} ] } `,
	`{"runtimes": [1, "two", [3], {"4": [5]}]}`,
	`{"runtimes": null}`,
	`{"\u0072untimes": [{}]}`,
	`{"runtimes": [{}], "runtimes": [{"a":1}]}`,
	`{"runtimes": [{"a":tru}]}`,
	`{"runtimes": [{"a":01}]}`,
	`{"runtimes": [{"a":1}]} x`,
	`{"runtimes": [{"a":"\x"}]}`,
	`{"runtimes": [{"a":1},]}`,
	`{"runtimes": [{"a":1}`,
	`[]`,
	``,
}

func sameSplit(t *testing.T, body []byte) {
	want, wantErr := splitListJSON(body)
	fast, fastErr := splitRuntimesFast(body)
	if fastErr == nil {
		if !json.Valid(body) || wantErr != nil {
			t.Fatalf("fast splitter accepted what encoding/json rejects: %q (%v)", body, wantErr)
		}
		if len(fast) != len(want) {
			t.Fatalf("%q: %d elements, encoding/json %d", body, len(fast), len(want))
		}
		for i := range fast {
			if !bytes.Equal(fast[i], want[i]) {
				t.Fatalf("%q: element %d = %q, encoding/json %q", body, i, fast[i], want[i])
			}
		}
	}
	got, gotErr := splitList(body)
	if (gotErr == nil) != (wantErr == nil) || len(got) != len(want) {
		t.Fatalf("splitList(%q) = %d, %v; reference %d, %v", body, len(got), gotErr, len(want), wantErr)
	}
}

func TestSplitListAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range splitSeeds {
		sameSplit(t, []byte(s))
	}
	deep := bytes.Repeat([]byte("["), 5000)
	if _, err := splitRuntimesFast(append([]byte(`{"runtimes":`), deep...)); err == nil {
		t.Fatal("unbounded nesting accepted")
	}
}

func FuzzSplitList(f *testing.F) {
	for _, s := range splitSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(sameSplit)
}
