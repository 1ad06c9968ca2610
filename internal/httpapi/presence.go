package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"govchat/internal/apperr"
	"govchat/protocol"
)

// maxPresenceUsers bounds one presence question (a channel's member list page).
const maxPresenceUsers = 500

// presence answers who of ?users=1,2,3 is online; any logged-in user may ask, as the
// directory is shared knowledge inside the organisation.
func (a *API) presence(w http.ResponseWriter, r *http.Request) {
	raw := r.URL.Query().Get("users")
	if raw == "" {
		a.writeError(w, r, apperr.BadField("users", "list the user ids, comma-separated"))
		return
	}
	parts := strings.Split(raw, ",")
	if len(parts) > maxPresenceUsers {
		a.writeError(w, r, apperr.BadField("users", "at most %d users at once", maxPresenceUsers))
		return
	}
	ids := make([]int64, 0, len(parts))
	for _, p := range parts {
		id, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
		if err != nil || id <= 0 {
			a.writeError(w, r, apperr.BadField("users", "%q is not a user id", p))
			return
		}
		ids = append(ids, id)
	}
	online, err := a.presenceOf.Online(r.Context(), ids)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, protocol.Presence{Online: online})
}
