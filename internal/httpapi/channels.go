package httpapi

import (
	"net/http"

	"govchat/internal/store"
	"govchat/protocol"
)

func (a *API) listChannels(w http.ResponseWriter, r *http.Request) {
	out, err := a.chat.ListMine(r.Context(), principalFrom(r.Context()).User.ID)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) createGroup(w http.ResponseWriter, r *http.Request) {
	var req protocol.CreateGroupRequest
	if err := decodeJSON(w, r, &req); err != nil {
		a.writeError(w, r, err)
		return
	}
	ch, err := a.chat.CreateGroup(r.Context(), principalFrom(r.Context()).User.ID, req)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, ch)
}

func (a *API) updateChannel(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var req protocol.UpdateChannelRequest
	if err := decodeJSON(w, r, &req); err != nil {
		a.writeError(w, r, err)
		return
	}
	ch, err := a.chat.UpdateChannel(r.Context(), principalFrom(r.Context()).User.ID, id, req)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ch)
}

func (a *API) channelMembers(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out, err := a.chat.Members(r.Context(), principalFrom(r.Context()).User.ID, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) addChannelMembers(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var req protocol.MembersRequest
	if err := decodeJSON(w, r, &req); err != nil {
		a.writeError(w, r, err)
		return
	}
	if err := a.chat.AddMembers(r.Context(), principalFrom(r.Context()).User.ID, id, req.UserIDs); err != nil {
		a.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) removeChannelMember(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	user, err := pathID(r, "user")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if err := a.chat.RemoveMember(r.Context(), principalFrom(r.Context()).User.ID, id, user); err != nil {
		a.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// history pages a channel: ?before=SEQ for older messages (the newest page is
// ?before=last_seq+1), ?after=SEQ for newer ones; ?limit= 1..200 (default 50).
func (a *API) history(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	q := store.HistoryQuery{ChannelID: id}
	limit, err := queryInt(r, "limit", 50, 1, 200)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	q.Limit = limit
	before, err := queryInt(r, "before", 0, 1, 1<<62)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	after, err := queryInt(r, "after", 0, 0, 1<<62)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	q.BeforeSeq, q.AfterSeq = int64(before), int64(after)
	out, err := a.chat.History(r.Context(), principalFrom(r.Context()).User.ID, q)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// search finds messages: ?q= (Chinese works without a segmenter), ?channel=, ?limit=.
func (a *API) search(w http.ResponseWriter, r *http.Request) {
	limit, err := queryInt(r, "limit", 30, 1, 100)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	ch, err := queryInt(r, "channel", 0, 1, 1<<62)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out, err := a.chat.Search(r.Context(), principalFrom(r.Context()).User.ID, int64(ch), r.URL.Query().Get("q"), limit)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) openDirect(w http.ResponseWriter, r *http.Request) {
	peer, err := pathID(r, "user")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	ch, err := a.chat.OpenDirect(r.Context(), principalFrom(r.Context()).User.ID, peer)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ch)
}

func (a *API) setMemberRole(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	user, err := pathID(r, "user")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var req protocol.MemberRoleRequest
	if err := decodeJSON(w, r, &req); err != nil {
		a.writeError(w, r, err)
		return
	}
	if err := a.chat.SetMemberRole(r.Context(), principalFrom(r.Context()).User.ID, id, user, req.Role); err != nil {
		a.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
