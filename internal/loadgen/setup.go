package loadgen

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"govchat/internal/authclient"
	"govchat/protocol"
)

// testUser is one account the run created.
type testUser struct {
	name    string
	id      int64
	token   string // empty until logged in; only users with a connection (or a group to create) log in
	channel int    // index into fixture.channelIDs
}

// fixture is what setup made: the accounts, their sessions and the groups.
type fixture struct {
	runID      string
	password   string              // one password for every test user of this run; never printed
	credential protocol.Credential // its credential (one salt: one PBKDF2 for the whole run)
	adminToken string
	users      []testUser // user c*K+k is member k of channel c; member 0 created the group
	channelIDs []int64
}

// SetupCost says what building the fixture took. Creating an account and logging
// in each hash an authentication hash (argon2id, tens of milliseconds of server CPU each), so
// setup, not the load, is the slow part of a large run.
type SetupCost struct {
	Users          int           `json:"users"`
	CreateUsers    time.Duration `json:"create_users_ns"`
	Logins         int           `json:"logins"`
	LoginTime      time.Duration `json:"login_ns"`
	SourceAddrs    int           `json:"source_addresses"`
	LoginsRefused  int64         `json:"logins_rate_limited"`
	Groups         int           `json:"groups"`
	CreateGroups   time.Duration `json:"create_groups_ns"`
	Total          time.Duration `json:"total_ns"`
	RequestsIssued int64         `json:"rest_requests"`
}

// newRunID is four hex digits: enough that two runs on one server rarely meet, short
// enough that usernames stay readable (lg3f2a-0001).
func newRunID() string {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// newPassword makes a password that passes the server's policy (at least 10
// characters, three of lower, upper, digit, other) so the accounts need no change.
func newPassword() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "Lg#7" + hex.EncodeToString(b[:])
}

// setup creates the test users as the administrator, logs in those that need a
// session, and creates one group per channel, created by its member 0.
func (r *Runner) setup(ctx context.Context, api *apiClient, pool *SourcePool, needsSession func(user int) bool) (*fixture, SetupCost, error) {
	cfg := r.cfg
	start := time.Now()
	var cost SetupCost
	var requests, refused atomic.Int64
	fx := &fixture{runID: newRunID(), password: newPassword()}
	// The browser's derivation (E2E.md §4.4), once: every test user gets this credential
	// (POST /admin/users takes one), so 10,000 users cost one PBKDF2, not 10,000.
	cred, err := authclient.NewCredential(fx.password)
	if err != nil {
		return nil, cost, err
	}
	fx.credential = cred

	requests.Add(2)
	var pre protocol.PreloginResponse
	if err := api.do(ctx, api.fresh, http.MethodPost, "/api/v1/auth/prelogin", "", protocol.PreloginRequest{Username: cfg.Admin}, &pre); err != nil {
		return nil, cost, fmt.Errorf("administrator: prelogin: %w", err)
	}
	adminReq, err := authclient.LoginRequest(cfg.Admin, cfg.AdminPassword, cfg.AdminTOTP, pre)
	if err != nil {
		return nil, cost, fmt.Errorf("administrator: %w", err)
	}
	admin, err := api.login(ctx, pool, adminReq, &refused)
	var ae *APIError
	if errors.As(err, &ae) && ae.Body.Code == protocol.CodeTOTPRequired {
		return nil, cost, fmt.Errorf("administrator %s has a second factor: pass its current code with --admin-totp: %w", cfg.Admin, err)
	}
	if err != nil {
		return nil, cost, fmt.Errorf("administrator: %w", err)
	}
	if admin.User.TOTPSetupRequired {
		return nil, cost, fmt.Errorf("administrator %s must enrol a second factor before it can manage users (the server runs with --require-totp)", cfg.Admin)
	}
	fx.adminToken = admin.Token

	// Accounts, with an explicit password so that none must change it.
	n := cfg.Users()
	fx.users = make([]testUser, n)
	fx.channelIDs = make([]int64, cfg.Channels)
	r.progressf("creating %d users (lg%s-…) as %s", n, fx.runID, cfg.Admin)
	t0 := time.Now()
	err = forEach(ctx, n, cfg.Workers, func(ctx context.Context, i int) error {
		u := &fx.users[i]
		u.name = fmt.Sprintf("lg%s-%04d", fx.runID, i+1)
		u.channel = i / cfg.MembersPerChannel
		var out protocol.UserWithPassword
		requests.Add(1)
		err := api.do(ctx, api.pooled, http.MethodPost, "/api/v1/admin/users", fx.adminToken, protocol.CreateUserRequest{
			Username: u.name, DisplayName: "压测 " + u.name, Title: "loadgen", Credential: &fx.credential,
		}, &out)
		if err != nil {
			return fmt.Errorf("create user %s: %w", u.name, err)
		}
		u.id = out.User.ID
		return nil
	})
	cost.Users, cost.CreateUsers = n, time.Since(t0)
	if err != nil {
		return fx, cost, err // fx is returned so cleanup can disable what was made
	}
	r.progressf("created %d users in %s", n, cost.CreateUsers.Round(time.Millisecond))

	// Sessions: one per user that holds a connection or creates a group; a user's
	// connections share it, as a person's desktop and phone would not, but the
	// server treats them the same and it saves a password hash per connection.
	var who []int
	for i := range fx.users {
		if needsSession(i) || i%cfg.MembersPerChannel == 0 {
			who = append(who, i)
		}
	}
	r.progressf("logging in %d users", len(who))
	t0 = time.Now()
	err = forEach(ctx, len(who), cfg.Workers, func(ctx context.Context, j int) error {
		u := &fx.users[who[j]]
		requests.Add(1)
		out, err := api.login(ctx, pool, protocol.LoginRequest{Username: u.name, AuthHash: fx.credential.AuthHash}, &refused)
		if err != nil {
			return err
		}
		u.token = out.Token
		return nil
	})
	cost.Logins, cost.LoginTime, cost.SourceAddrs, cost.LoginsRefused = len(who), time.Since(t0), pool.Used(), refused.Load()
	if err != nil {
		return fx, cost, err
	}
	r.progressf("logged in %d users in %s from %d source address(es)", len(who), cost.LoginTime.Round(time.Millisecond), cost.SourceAddrs)

	t0 = time.Now()
	err = forEach(ctx, cfg.Channels, cfg.Workers, func(ctx context.Context, c int) error {
		first := c * cfg.MembersPerChannel
		members := make([]int64, 0, cfg.MembersPerChannel-1)
		for _, u := range fx.users[first+1 : first+cfg.MembersPerChannel] {
			members = append(members, u.id)
		}
		var ch protocol.Channel
		requests.Add(1)
		err := api.do(ctx, api.pooled, http.MethodPost, "/api/v1/channels", fx.users[first].token, protocol.CreateGroupRequest{
			Name: fmt.Sprintf("压测 lg%s #%02d", fx.runID, c+1), Topic: "govchat loadgen", Members: members,
		}, &ch)
		if err != nil {
			return fmt.Errorf("create group %d: %w", c+1, err)
		}
		fx.channelIDs[c] = ch.ID
		return nil
	})
	cost.Groups, cost.CreateGroups = cfg.Channels, time.Since(t0)
	cost.Total, cost.RequestsIssued = time.Since(start), requests.Load()
	if err != nil {
		return fx, cost, err
	}
	r.progressf("created %d groups of %d in %s", cfg.Channels, cfg.MembersPerChannel, cost.CreateGroups.Round(time.Millisecond))
	return fx, cost, nil
}

// cleanup disables the test users (which also ends their sessions) or, with
// --keep-users, only logs them out; then the administrator logs out. It runs even
// after a failed or interrupted run, with its own time bound.
func (r *Runner) cleanup(api *apiClient, fx *fixture) (int, error) {
	if fx == nil || fx.adminToken == "" {
		return 0, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var done atomic.Int64
	err := forEach(ctx, len(fx.users), r.cfg.Workers, func(ctx context.Context, i int) error {
		u := fx.users[i]
		switch {
		case !r.cfg.KeepUsers && u.id != 0:
			disabled := true
			if err := api.do(ctx, api.pooled, http.MethodPatch, fmt.Sprintf("/api/v1/admin/users/%d", u.id), fx.adminToken,
				protocol.UpdateUserRequest{Disabled: &disabled}, nil); err != nil {
				return fmt.Errorf("disable %s: %w", u.name, err)
			}
			done.Add(1)
		case r.cfg.KeepUsers && u.token != "":
			if err := api.do(ctx, api.pooled, http.MethodPost, "/api/v1/auth/logout", u.token, nil, nil); err != nil {
				return fmt.Errorf("log out %s: %w", u.name, err)
			}
			done.Add(1)
		}
		return nil
	})
	if lerr := api.do(ctx, api.pooled, http.MethodPost, "/api/v1/auth/logout", fx.adminToken, nil, nil); lerr != nil && err == nil {
		err = fmt.Errorf("log out the administrator: %w", lerr)
	}
	return int(done.Load()), err
}
