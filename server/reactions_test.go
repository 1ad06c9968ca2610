package main

import (
	"encoding/json"
	"slices"
	"testing"

	"govchat/protocol"
)

// The operator's allowed set of reactions reaches clients through /info, in order,
// and "none" is an empty list rather than a missing one.
func TestInfoTellsTheReactions(t *testing.T) {
	for _, tc := range []struct {
		flag string
		want []string
	}{
		{"", []string{"收到", "👍", "OK", "辛苦了", "好的", "谢谢"}},
		{"收到,已阅,👍", []string{"收到", "已阅", "👍"}},
		{"none", []string{}},
	} {
		args := []string{"--data", t.TempDir(), "--no-demo"}
		if tc.flag != "" {
			args = append(args, "--reactions", tc.flag)
		}
		base, _ := startServer(t, args...)
		var raw map[string]json.RawMessage
		if code := getJSON(t, base+"/api/v1/info", &raw); code != 200 {
			t.Fatalf("info %d", code)
		}
		var got []string
		if err := json.Unmarshal(raw["reactions"], &got); err != nil || got == nil || !slices.Equal(got, tc.want) {
			t.Errorf("--reactions %q: reactions %s, want %q", tc.flag, raw["reactions"], tc.want)
		}
		var info protocol.Info
		if getJSON(t, base+"/api/v1/info", &info); len(info.Reactions) != len(tc.want) {
			t.Errorf("decoded %q", info.Reactions)
		}
	}
}
