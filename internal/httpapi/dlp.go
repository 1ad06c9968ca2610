package httpapi

import (
	"net/http"

	"govchat/protocol"
)

// Data-loss prevention: PROTOCOL.md §4.25. internal/dlp validates, authorises again,
// stores each change with its audit entry and records hits; these handlers only read
// requests and write answers.

func (a *API) getDLPRules(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	out, err := a.dlp.Rules(r.Context())
	return http.StatusOK, out, err
}

func (a *API) putDLPRules(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.DLPRules](w, r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.dlp.Put(r.Context(), principalFrom(r.Context()), req)
	return http.StatusOK, out, err
}

func (a *API) postDLPHits(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.DLPHitsRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.dlp.ReportHits(r.Context(), principalFrom(r.Context()), req)
	return http.StatusOK, out, err
}
