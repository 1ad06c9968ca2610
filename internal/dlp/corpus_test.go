package dlp_test

import (
	"encoding/json"
	"os"
	"testing"

	"govchat/internal/dlp"
	"govchat/protocol"
)

// corpus is protocol/testdata/dlp_corpus.json, which the browser's engine reads too.
type corpus struct {
	Rules []protocol.DLPRule `json:"rules"`
	Cases []struct {
		Name   string             `json:"name"`
		Text   string             `json:"text"`
		Hits   map[string]int     `json:"hits"`
		Level  *int               `json:"level"`
		Action protocol.DLPAction `json:"action"`
	} `json:"cases"`
}

func loadCorpus(t testing.TB) corpus {
	t.Helper()
	raw, err := os.ReadFile("../../protocol/testdata/dlp_corpus.json")
	if err != nil {
		t.Fatal(err)
	}
	var c corpus
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Cases) < 40 {
		t.Fatalf("the corpus has %d cases; it was cut short", len(c.Cases))
	}
	return c
}

func TestCorpus(t *testing.T) {
	c := loadCorpus(t)
	rules, err := dlp.Validate(c.Rules)
	if err != nil {
		t.Fatalf("the corpus's rules are not valid: %v", err)
	}
	m, err := dlp.Compile(rules)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range c.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			hits := m.Scan(tc.Text)
			got := map[string]int{}
			for _, h := range hits {
				got[h.Rule] = h.Count
			}
			if len(got) != len(tc.Hits) {
				t.Fatalf("Scan(%q) = %v, want %v", tc.Text, got, tc.Hits)
			}
			for id, n := range tc.Hits {
				if got[id] != n {
					t.Fatalf("Scan(%q) = %v, want %v", tc.Text, got, tc.Hits)
				}
			}
			if tc.Level != nil {
				if v := dlp.Decide(rules, hits, *tc.Level); v.Action != tc.Action {
					t.Fatalf("Decide at level %d = %s, want %s", *tc.Level, v.Action, tc.Action)
				}
			}
		})
	}
}

func TestRecorded(t *testing.T) {
	rules := protocol.DefaultDLPRules()
	hits := []protocol.DLPHit{{Rule: protocol.DLPIDCard, Count: 1}, {Rule: protocol.DLPMobile, Count: 2}}
	// Level 0: both warn. Level 2: the ID alerts, the mobile is off.
	if v := dlp.Decide(rules, hits, 0); v.Action != protocol.DLPWarn || v.Recorded(true) != protocol.DLPWarn || len(v.Hits) != 2 {
		t.Fatalf("level 0: %+v recorded %s", v, v.Recorded(true))
	}
	v := dlp.Decide(rules, hits, 2)
	if v.Action != protocol.DLPAlert || len(v.Hits) != 1 || v.Hits[0].Rule != protocol.DLPIDCard {
		t.Fatalf("level 2: %+v", v)
	}
	// A warning confirmed with an alert rule among the hits is recorded as an alert.
	mixed := []protocol.DLPRule{
		{ID: "a", Actions: []protocol.DLPAction{protocol.DLPWarn}},
		{ID: "b", Actions: []protocol.DLPAction{protocol.DLPAlert}},
	}
	v = dlp.Decide(mixed, []protocol.DLPHit{{Rule: "a", Count: 1}, {Rule: "b", Count: 1}}, 0)
	if v.Action != protocol.DLPWarn || v.Recorded(true) != protocol.DLPAlert || v.Recorded(false) != protocol.DLPWarn {
		t.Fatalf("warn+alert: %+v", v)
	}
	// A level beyond the rule's list takes its last (strictest) action.
	if a := dlp.ActionAt(rules[3], 9); a != protocol.DLPAlert {
		t.Fatalf("ActionAt beyond = %s", a)
	}
}

// The corpus starts from the defaults, which the browser also carries (DEFAULT_RULES).
func TestCorpusStartsFromTheDefaults(t *testing.T) {
	c := loadCorpus(t)
	want, _ := json.Marshal(protocol.DefaultDLPRules())
	got, _ := json.Marshal(c.Rules[:4])
	if string(got) != string(want) {
		t.Fatalf("corpus rules %s, defaults %s", got, want)
	}
}
