package loadgen

import (
	"errors"
	"fmt"
	"math"
	"time"

	"govchat/protocol"
)

// ErrConfig marks a bad setting; the command reports it as a usage error.
var ErrConfig = errors.New("invalid load setting")

// Config is one load run.
type Config struct {
	URL string // scheme://host[:port] of the server
	// WSURLs, when set, are the servers the WebSocket connections go to, round-robin
	// (connection i to WSURLs[i mod n]): the nodes of one cluster, sharing URL's
	// database and bus. Setup, logins and /metrics stay on URL. Empty: URL alone.
	WSURLs      []string
	AllowRemote bool   // permit a non-loopback target
	Origin      string // Origin header of the WebSocket handshakes; default the URL's origin

	Conns             int           // WebSocket connections to hold open
	Channels          int           // work groups to create
	MembersPerChannel int           // users per group, creator included; every user is in one group
	Rate              float64       // messages per second, in total; 0 only connects and measures memory
	Duration          time.Duration // how long to send
	Senders           int           // connections that send; 0 picks enough to stay under the server's per-connection rate
	MsgBytes          int           // text length of each message

	Admin         string // an administrator (users.manage) that creates the test users
	AdminPassword string
	AdminTOTP     string // the administrator's current code, if it has a second factor

	Settle          time.Duration // idle time after the connections open, before memory is read
	Drain           time.Duration // after sending stops: how long to wait for outstanding acks and deliveries
	SetupTimeout    time.Duration // bound on creating users, logging in and creating groups
	DialConcurrency int           // handshakes in flight at once
	Workers         int           // REST requests in flight at once during setup
	KeepUsers       bool          // leave the test users enabled afterwards (default: disable them)
}

// Defaults a zero Config field takes.
const (
	DefaultConns             = 200
	DefaultChannels          = 10
	DefaultMembersPerChannel = 20
	DefaultRate              = 200
	DefaultDuration          = 10 * time.Second
	DefaultMsgBytes          = 64
	DefaultSettle            = 5 * time.Second
	DefaultDrain             = 10 * time.Second
	DefaultSetupTimeout      = 10 * time.Minute
	DefaultDialConcurrency   = 64
	DefaultWorkers           = 8

	// serverSendRate is the server's default per-connection frame limit
	// (hub.DefaultRatePerSecond); senders stay at half of it so bursts from timer
	// jitter never meet rate_limited.
	serverSendRate   = 20
	senderTargetRate = serverSendRate / 2

	maxGroupSize = 2001 // the creator and chat's limit of 2000 listed members
	maxDuration  = 24 * time.Hour
)

// Users is how many test accounts the run creates.
func (c Config) Users() int { return c.Channels * c.MembersPerChannel }

// normalize fills defaults and checks the ranges.
func (c *Config) normalize() error {
	if c.Channels == 0 {
		c.Channels = DefaultChannels
	}
	if c.MembersPerChannel == 0 {
		c.MembersPerChannel = DefaultMembersPerChannel
	}
	if c.Duration == 0 {
		c.Duration = DefaultDuration
	}
	if c.MsgBytes == 0 {
		c.MsgBytes = DefaultMsgBytes
	}
	if c.Settle == 0 {
		c.Settle = DefaultSettle
	}
	if c.Drain == 0 {
		c.Drain = DefaultDrain
	}
	if c.SetupTimeout == 0 {
		c.SetupTimeout = DefaultSetupTimeout
	}
	if c.DialConcurrency == 0 {
		c.DialConcurrency = DefaultDialConcurrency
	}
	if c.Workers == 0 {
		c.Workers = DefaultWorkers
	}
	switch {
	case c.URL == "":
		return fmt.Errorf("%w: --url is required", ErrConfig)
	case c.Admin == "" || c.AdminPassword == "":
		return fmt.Errorf("%w: --admin and --admin-password are required (an account with users.manage)", ErrConfig)
	case c.Conns < 1:
		return fmt.Errorf("%w: --conns must be at least 1", ErrConfig)
	case c.Channels < 1:
		return fmt.Errorf("%w: --channels must be at least 1", ErrConfig)
	case c.MembersPerChannel < 1 || c.MembersPerChannel > maxGroupSize:
		return fmt.Errorf("%w: --members-per-channel must be 1–%d", ErrConfig, maxGroupSize)
	case c.Users() > 1_000_000:
		return fmt.Errorf("%w: %d test users is more than this tool creates (1,000,000)", ErrConfig, c.Users())
	case c.Rate < 0 || math.IsNaN(c.Rate) || math.IsInf(c.Rate, 0):
		return fmt.Errorf("%w: --rate must be a number ≥ 0", ErrConfig)
	case c.Duration < 0 || c.Duration > maxDuration:
		return fmt.Errorf("%w: --duration must be positive and at most %s", ErrConfig, maxDuration)
	case c.Senders < 0 || c.Senders > c.Conns:
		return fmt.Errorf("%w: --senders must be 0–%d (the connections)", ErrConfig, c.Conns)
	case c.MsgBytes < 1 || c.MsgBytes > protocol.MaxTextRunes:
		return fmt.Errorf("%w: --msg-bytes must be 1–%d", ErrConfig, protocol.MaxTextRunes)
	case c.Settle < 0 || c.Drain < 0 || c.SetupTimeout < 0:
		return fmt.Errorf("%w: --settle, --drain and --setup-timeout must not be negative", ErrConfig)
	case c.DialConcurrency < 1 || c.Workers < 1:
		return fmt.Errorf("%w: --dial-concurrency and --workers must be at least 1", ErrConfig)
	}
	if c.Senders == 0 && c.Rate > 0 {
		c.Senders = min(c.Conns, max(c.Channels, int(math.Ceil(c.Rate/senderTargetRate))))
	}
	return nil
}
