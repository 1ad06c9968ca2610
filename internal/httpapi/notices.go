package httpapi

import (
	"fmt"
	"net/http"
	"net/url"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/notice"
	"govchat/protocol"
)

// Notices (通知): PROTOCOL.md §4.10. The service decides who may see and do what; these
// handlers only read requests and write answers.

func (a *API) publishNotice(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.PublishNoticeRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	n, err := a.notices.Publish(r.Context(), principalFrom(r.Context()), req)
	return http.StatusCreated, n, err
}

func (a *API) noticeAudience(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.NoticeAudienceRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.notices.Summary(r.Context(), principalFrom(r.Context()), req)
	return http.StatusOK, out, err
}

func (a *API) listNotices(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	q := notice.ListQuery{Box: r.URL.Query().Get("box")}
	switch q.Box {
	case "":
		q.Box = "received"
	case "received", "pending", "sent":
	default:
		return 0, nil, apperr.BadField("box", "box is received, pending or sent")
	}
	limit, err := queryInt(r, "limit", 50, 1, 200)
	if err != nil {
		return 0, nil, err
	}
	before, err := queryInt(r, "before", 0, 1, 1<<62)
	if err != nil {
		return 0, nil, err
	}
	channel, err := queryInt(r, "channel", 0, 1, 1<<62)
	if err != nil {
		return 0, nil, err
	}
	q.Limit, q.BeforeID, q.ChannelID = limit, int64(before), int64(channel)
	out, err := a.notices.List(r.Context(), principalFrom(r.Context()), q)
	return http.StatusOK, out, err
}

func (a *API) getNotice(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	n, err := a.notices.Get(r.Context(), principalFrom(r.Context()), id)
	return http.StatusOK, n, err
}

func (a *API) noticeRevisions(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	out, err := a.notices.Revisions(r.Context(), principalFrom(r.Context()), id)
	return http.StatusOK, out, err
}

func (a *API) reviseNotice(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, req, err := idAndBody[protocol.ReviseNoticeRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	n, err := a.notices.Revise(r.Context(), principalFrom(r.Context()), id, req)
	return http.StatusOK, n, err
}

func (a *API) withdrawNotice(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, req, err := idAndBody[protocol.WithdrawNoticeRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	n, err := a.notices.Withdraw(r.Context(), principalFrom(r.Context()), id, req)
	return http.StatusOK, n, err
}

// noticeSeen and confirmNotice record a recipient's receipt of one revision.
func (a *API) noticeSeen(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, req, err := idAndBody[protocol.NoticeReadRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.notices.Seen(r.Context(), principalFrom(r.Context()), id, req)
	return http.StatusOK, out, err
}

func (a *API) confirmNotice(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, req, err := idAndBody[protocol.NoticeReadRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.notices.Confirm(r.Context(), principalFrom(r.Context()), id, req)
	return http.StatusOK, out, err
}

// idAndBody reads the notice id of the path and the request's JSON body.
func idAndBody[T any](w http.ResponseWriter, r *http.Request) (int64, T, error) {
	id, err := pathID(r, "id")
	if err != nil {
		var zero T
		return 0, zero, err
	}
	req, err := bodyOf[T](w, r)
	return id, req, err
}

func tallyFilter(r *http.Request) (notice.TallyFilter, error) {
	f := notice.TallyFilter{State: r.URL.Query().Get("state")}
	switch f.State {
	case "", protocol.TallyConfirmed, protocol.TallySeen, protocol.TallyUnseen:
	default:
		return f, apperr.BadField("state", "state is confirmed, seen or unseen")
	}
	dept, err := queryInt(r, "department", 0, 0, 1<<62)
	f.DepartmentID = int64(dept)
	return f, err
}

func (a *API) noticeTally(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	f, err := tallyFilter(r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.notices.Tally(r.Context(), principalFrom(r.Context()), id, f)
	return http.StatusOK, out, err
}

// noticeTallyCSV answers the tally as a spreadsheet file (UTF-8 with a BOM, so Excel
// reads the Chinese), named after the notice.
func (a *API) noticeTallyCSV(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	f, err := tallyFilter(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	body, err := a.notices.TallyCSV(r.Context(), principalFrom(r.Context()), id, f)
	if err == nil {
		err = a.recordExport(r, audit.NoticeExport, "notice", id, len(body))
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	name := fmt.Sprintf("通知确认情况-%d.csv", id)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="notice-%d.csv"; filename*=UTF-8''%s`, id, url.PathEscape(name)))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body)
}

func (a *API) remindNotice(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	out, err := a.notices.Remind(r.Context(), principalFrom(r.Context()), id)
	return http.StatusOK, out, err
}
