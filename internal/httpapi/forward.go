package httpapi

import (
	"net/http"

	"govchat/protocol"
)

// forward forwards messages (转发, 合并转发) to channels and people.
func (a *API) forward(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.ForwardRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	res, err := a.chat.Forward(r.Context(), me(r), req)
	return http.StatusOK, res, err
}
