package httpapi

import (
	"errors"
	"net/http"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/quiet"
	"govchat/internal/store"
	"govchat/protocol"
)

// Who is off duty now and when they will next be told (PROTOCOL.md §4.11), for
// senders.

// ---- reachability

// reachabilityLookupAll is the number of people above which the whole directory is read
// once rather than each person by id.
const reachabilityLookupAll = 50

func (a *API) reachability(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.ReachabilityRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	if len(req.UserIDs) == 0 || len(req.UserIDs) > protocol.MaxReachabilityUsers {
		return 0, nil, apperr.BadField("user_ids", "ask about 1 to %d people", protocol.MaxReachabilityUsers)
	}
	ctx := r.Context()
	users := map[int64]store.User{}
	if len(req.UserIDs) > reachabilityLookupAll {
		all, err := a.store.ListUsers(ctx, store.UserFilter{})
		if err != nil {
			return 0, nil, err
		}
		for _, u := range all {
			users[u.ID] = u
		}
	} else {
		for _, id := range req.UserIDs {
			u, err := a.store.GetUser(ctx, id)
			if err == nil {
				users[id] = u
			} else if !errors.Is(err, store.ErrNotFound) {
				return 0, nil, err
			}
		}
	}
	pol, err := a.quiet.Policy(ctx)
	if err != nil {
		return 0, nil, err
	}
	now := a.now()
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
			out.People = append(out.People, reachability(pol, id, now))
		}
	}
	return http.StatusOK, out, nil
}

func reachability(pol quiet.Policy, uid int64, now time.Time) protocol.Reachability {
	st := pol.StatusAt(uid, now)
	out := protocol.Reachability{UserID: uid, Reachable: st.Reachable, Reason: st.Reason}
	if !st.Reachable && !st.Next.IsZero() {
		next := st.Next.UTC()
		out.Next = &next
	}
	return out
}
