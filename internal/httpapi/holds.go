package httpapi

import (
	"net/http"

	"govchat/internal/apperr"
	"govchat/internal/authz"
	"govchat/internal/holds"
	"govchat/protocol"
)

// Legal holds (§4.19). The service authorises too; requires keeps the refusal before
// the body is read, audited (auth.denied) like every other permission's.

func (a *API) placeHold(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.CreateHoldRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	h, err := a.holds.Place(r.Context(), principalFrom(r.Context()).User, req)
	return http.StatusCreated, h, err
}

// listHolds answers holds.manage and holds.countersign alike: the second signer must
// find what they are asked to countersign.
func (a *API) listHolds(w http.ResponseWriter, r *http.Request) (int, any, error) {
	p := principalFrom(r.Context())
	if !holds.MayList(p.User.Role) {
		a.recordDenied(r, p, authz.CountersignHolds)
		return 0, nil, apperr.New(protocol.CodeForbidden, "your role may not do this")
	}
	q := r.URL.Query()
	out, err := a.holds.List(r.Context(), p.User, q.Get("q"), q.Get("status"))
	return http.StatusOK, out, err
}

func (a *API) releaseHold(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, req, err := idAndBody[protocol.HoldReleaseRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	h, err := a.holds.RequestRelease(r.Context(), principalFrom(r.Context()).User, id, req)
	return http.StatusOK, h, err
}

func (a *API) countersignHold(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, req, err := idAndBody[protocol.HoldReleaseRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	h, err := a.holds.Countersign(r.Context(), principalFrom(r.Context()).User, id, req)
	return http.StatusOK, h, err
}

func (a *API) cancelHoldRelease(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	h, err := a.holds.CancelRelease(r.Context(), principalFrom(r.Context()).User, id)
	return http.StatusOK, h, err
}
