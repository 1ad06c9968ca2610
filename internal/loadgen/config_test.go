package loadgen

import (
	"errors"
	"testing"
	"time"
)

func TestConfigNormalize(t *testing.T) {
	base := func() Config {
		return Config{URL: "http://127.0.0.1:8080", Admin: "zhoutao", AdminPassword: "x", Conns: 200, Rate: 200}
	}
	tests := []struct {
		name        string
		edit        func(*Config)
		wantErr     bool
		wantSenders int
	}{
		{"defaults", func(*Config) {}, false, 20},
		{"senders cover every channel", func(c *Config) { c.Rate = 5; c.Channels = 30 }, false, 30},
		{"senders capped by conns", func(c *Config) { c.Conns = 8; c.Rate = 1000 }, false, 8},
		{"explicit senders", func(c *Config) { c.Senders = 3 }, false, 3},
		{"rate 0 has no senders", func(c *Config) { c.Rate = 0 }, false, 0},
		{"no url", func(c *Config) { c.URL = "" }, true, 0},
		{"no admin", func(c *Config) { c.Admin = "" }, true, 0},
		{"no conns", func(c *Config) { c.Conns = 0 }, true, 0},
		{"negative rate", func(c *Config) { c.Rate = -1 }, true, 0},
		{"group too big", func(c *Config) { c.MembersPerChannel = 2002 }, true, 0},
		{"more senders than conns", func(c *Config) { c.Senders = 201 }, true, 0},
		{"text too long", func(c *Config) { c.MsgBytes = 5001 }, true, 0},
		{"duration too long", func(c *Config) { c.Duration = 25 * time.Hour }, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base()
			tt.edit(&c)
			err := c.normalize()
			if tt.wantErr {
				if !errors.Is(err, ErrConfig) {
					t.Fatalf("err = %v, want ErrConfig", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Senders != tt.wantSenders {
				t.Errorf("senders = %d, want %d", c.Senders, tt.wantSenders)
			}
			if c.Channels == 0 || c.MembersPerChannel == 0 || c.Duration == 0 || c.MsgBytes == 0 || c.Drain == 0 {
				t.Errorf("defaults not filled: %+v", c)
			}
		})
	}
}

func TestUserOfSpreadsConnections(t *testing.T) {
	r := &Runner{cfg: Config{Channels: 3, MembersPerChannel: 4}}
	users := r.cfg.Channels * r.cfg.MembersPerChannel
	seen := map[int]int{}
	perChannel := map[int]int{}
	for i := range 2 * users {
		u := r.userOf(i)
		seen[u]++
		perChannel[u/r.cfg.MembersPerChannel]++
		if i < users && seen[u] > 1 {
			t.Fatalf("connection %d repeats user %d before every user has one", i, u)
		}
	}
	for u := range users {
		if seen[u] != 2 {
			t.Errorf("user %d has %d connections, want 2", u, seen[u])
		}
	}
	for c, n := range perChannel {
		if n != 2*r.cfg.MembersPerChannel {
			t.Errorf("channel %d has %d connections", c, n)
		}
	}
	// The first connections land in different channels, so the first senders do.
	if r.userOf(0)/4 == r.userOf(1)/4 || r.userOf(1)/4 == r.userOf(2)/4 {
		t.Errorf("first connections share a channel: users %d %d %d", r.userOf(0), r.userOf(1), r.userOf(2))
	}
}
