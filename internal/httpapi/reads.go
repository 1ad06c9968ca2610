package httpapi

import "net/http"

// channelReads answers every member's read position to a member (PROTOCOL.md §4.14).
func (a *API) channelReads(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	out, err := a.chat.Reads(r.Context(), me(r), id)
	return http.StatusOK, out, err
}
