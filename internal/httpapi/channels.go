package httpapi

import (
	"net/http"

	"govchat/internal/store"
	"govchat/protocol"
)

// me is the id of the user making the request.
func me(r *http.Request) int64 { return principalFrom(r.Context()).User.ID }

func (a *API) listChannels(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	out, err := a.chat.ListMine(r.Context(), me(r))
	return http.StatusOK, out, err
}

func (a *API) createGroup(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.CreateGroupRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	ch, err := a.chat.CreateGroup(r.Context(), me(r), req)
	return http.StatusCreated, ch, err
}

func (a *API) updateChannel(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	req, err := bodyOf[protocol.UpdateChannelRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	ch, err := a.chat.UpdateChannel(r.Context(), me(r), id, req)
	return http.StatusOK, ch, err
}

func (a *API) channelMembers(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	out, err := a.chat.Members(r.Context(), me(r), id)
	return http.StatusOK, out, err
}

func (a *API) addChannelMembers(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	req, err := bodyOf[protocol.MembersRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, a.chat.AddMembers(r.Context(), me(r), id, req.UserIDs)
}

// channelAndUser reads the {id} and {user} of a member path.
func channelAndUser(r *http.Request) (channelID, userID int64, err error) {
	if channelID, err = pathID(r, "id"); err != nil {
		return 0, 0, err
	}
	userID, err = pathID(r, "user")
	return channelID, userID, err
}

func (a *API) removeChannelMember(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, user, err := channelAndUser(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, a.chat.RemoveMember(r.Context(), me(r), id, user)
}

func (a *API) setMemberRole(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, user, err := channelAndUser(r)
	if err != nil {
		return 0, nil, err
	}
	req, err := bodyOf[protocol.MemberRoleRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, a.chat.SetMemberRole(r.Context(), me(r), id, user, req.Role)
}

// history pages a channel: ?before=SEQ for older messages (the newest page is
// ?before=last_seq+1), ?after=SEQ for newer ones; ?limit= 1..200 (default 50).
func (a *API) history(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	limit, err := queryInt(r, "limit", 50, 1, 200)
	if err != nil {
		return 0, nil, err
	}
	before, err := queryInt(r, "before", 0, 1, 1<<62)
	if err != nil {
		return 0, nil, err
	}
	after, err := queryInt(r, "after", 0, 0, 1<<62)
	if err != nil {
		return 0, nil, err
	}
	if r.URL.Query().Has("around") {
		return a.historyAround(r, id, before, after)
	}
	q := store.HistoryQuery{ChannelID: id, Limit: limit, BeforeSeq: int64(before), AfterSeq: int64(after)}
	out, err := a.chat.History(r.Context(), me(r), q)
	return http.StatusOK, out, err
}

func (a *API) openDirect(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	peer, err := pathID(r, "user")
	if err != nil {
		return 0, nil, err
	}
	ch, err := a.chat.OpenDirect(r.Context(), me(r), peer)
	return http.StatusOK, ch, err
}
