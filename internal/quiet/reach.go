package quiet

import (
	"context"
	"errors"
	"fmt"

	"govchat/internal/apperr"
	"govchat/internal/store"
	"govchat/protocol"
)

// reachLookupAll is the number of people above which the whole directory is read once
// rather than each person by id.
const reachLookupAll = 50

// Reachability tells a sender, for each person asked about, whether they are off duty
// now and when they will next be told. Any logged-in user may ask.
func (s *Service) Reachability(ctx context.Context, req protocol.ReachabilityRequest) (protocol.ReachabilityResponse, error) {
	if len(req.UserIDs) == 0 || len(req.UserIDs) > protocol.MaxReachabilityUsers {
		return protocol.ReachabilityResponse{}, apperr.BadField("user_ids", "ask about 1 to %d people", protocol.MaxReachabilityUsers)
	}
	users, err := s.users(ctx, req.UserIDs)
	if err != nil {
		return protocol.ReachabilityResponse{}, fmt.Errorf("quiet: reachability: %w", err)
	}
	pol, err := s.Policy(ctx)
	if err != nil {
		return protocol.ReachabilityResponse{}, err
	}
	now := s.now()
	out := protocol.ReachabilityResponse{At: now.UTC(), TimeZone: pol.Location.String(), People: []protocol.Reachability{}}
	seen := map[int64]bool{}
	for _, id := range req.UserIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		u, ok := users[id]
		switch {
		case !ok:
			out.Unknown = append(out.Unknown, id)
		case u.Disabled:
			out.People = append(out.People, protocol.Reachability{UserID: id, Reason: protocol.ReasonDisabled})
		default:
			out.People = append(out.People, toReachability(pol, id, now))
		}
	}
	return out, nil
}

// users reads the people of ids that exist, by id.
func (s *Service) users(ctx context.Context, ids []int64) (map[int64]store.User, error) {
	users := map[int64]store.User{}
	if len(ids) > reachLookupAll {
		all, err := s.store.ListUsers(ctx, store.UserFilter{})
		if err != nil {
			return nil, err
		}
		for _, u := range all {
			users[u.ID] = u
		}
		return users, nil
	}
	for _, id := range ids {
		u, err := s.store.GetUser(ctx, id)
		if err == nil {
			users[id] = u
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	return users, nil
}
