package config

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReactionsSetting(t *testing.T) {
	if d := Default(); !slices.Equal(d.Reactions, []string{"收到", "👍", "OK", "辛苦了", "好的", "谢谢"}) {
		t.Errorf("default reactions = %q", d.Reactions)
	}
	ok := []struct {
		in   string
		want []string
	}{
		{"收到,👍,OK", []string{"收到", "👍", "OK"}},
		{"收到，好的、谢谢", []string{"收到", "好的", "谢谢"}},
		{" 收到 , 👍🏻 ,, 👨‍💻", []string{"收到", "👍🏻", "👨‍💻"}},
		{"none", []string{}},
	}
	for _, tc := range ok {
		c, _, err := Load("serve", []string{"--reactions", tc.in}, envOf(nil), io.Discard)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if !slices.Equal(c.Reactions, tc.want) {
			t.Errorf("%q: got %q, want %q", tc.in, c.Reactions, tc.want)
		}
	}
	bad := []struct{ name, in, why string }{
		{"too many", "1,2,3,4,5,6,7,8,9,10,11,12,13", "at most 12"},
		{"too long", "收到收到收到收到收到收", "at most 10"},
		{"control character", "收\x07到", "control"},
		{"direction override", "OK\u202e", "control"},
		{"space inside", "辛苦 了", "spaces"},
		{"twice", "收到,👍,收到", "twice"},
	}
	for _, tc := range bad {
		_, _, err := Load("serve", []string{"--reactions", tc.in}, envOf(nil), io.Discard)
		if err == nil || !strings.Contains(err.Error(), "--reactions") || !strings.Contains(err.Error(), tc.why) {
			t.Errorf("%s: err = %v, want --reactions … %s", tc.name, err, tc.why)
		}
	}
	// From the environment and a config file, as a string.
	c, _, err := Load("serve", nil, envOf(map[string]string{"GOVCHAT_REACTIONS": "收到,已阅"}), io.Discard)
	if err != nil || !slices.Equal(c.Reactions, []string{"收到", "已阅"}) {
		t.Errorf("env: %q %v", c.Reactions, err)
	}
	file := filepath.Join(t.TempDir(), "govchat.json")
	if err := os.WriteFile(file, []byte(`{"reactions":"收到,OK"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	c, _, err = Load("serve", []string{"--config", file}, envOf(nil), io.Discard)
	if err != nil || !slices.Equal(c.Reactions, []string{"收到", "OK"}) {
		t.Errorf("file: %q %v", c.Reactions, err)
	}
}
