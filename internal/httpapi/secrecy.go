package httpapi

import (
	"net/http"

	"govchat/protocol"
)

// Secrecy levels: PROTOCOL.md §4.18. internal/secrecy validates, authorises again,
// stores each change with its audit entry and tells nodes and clients; these handlers
// only read requests and write answers.

func (a *API) getSecrecy(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	out, err := a.secrecy.Config(r.Context())
	return http.StatusOK, out, err
}

func (a *API) putSecrecyLevels(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.PutSecrecyLevelsRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.secrecy.PutLevels(r.Context(), principalFrom(r.Context()), req)
	return http.StatusOK, out, err
}

func (a *API) listChannelSecrecy(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	out, err := a.secrecy.Channels(r.Context(), principalFrom(r.Context()))
	return http.StatusOK, out, err
}

func (a *API) putChannelSecrecy(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	req, err := bodyOf[protocol.PutChannelSecrecyRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.secrecy.SetChannel(r.Context(), principalFrom(r.Context()), id, req)
	return http.StatusOK, out, err
}
