package httpapi

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/collect"
	"govchat/protocol"
)

// Collections (收集, 接龙): PROTOCOL.md §4.21. The service decides who may see and do
// what; these handlers only read requests and write answers.

func (a *API) publishCollection(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.PublishCollectionRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	c, err := a.collections.Publish(r.Context(), principalFrom(r.Context()), req)
	return http.StatusCreated, c, err
}

func (a *API) listCollections(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	q := collect.ListQuery{Box: r.URL.Query().Get("box")}
	switch q.Box {
	case "", "all", "received", "sent", "todo", "escalated":
	default:
		return 0, nil, apperr.BadField("box", "box is all, received, sent, todo or escalated")
	}
	limit, err := queryInt(r, "limit", 50, 1, 200)
	if err != nil {
		return 0, nil, err
	}
	before, err := queryInt(r, "before", 0, 1, 1<<62)
	if err != nil {
		return 0, nil, err
	}
	q.Limit, q.BeforeID = limit, int64(before)
	out, err := a.collections.List(r.Context(), principalFrom(r.Context()), q)
	return http.StatusOK, out, err
}

func (a *API) getCollection(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	out, err := a.collections.Get(r.Context(), principalFrom(r.Context()), id)
	return http.StatusOK, out, err
}

func (a *API) submitCollection(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, req, err := idAndBody[protocol.SubmitRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.collections.Submit(r.Context(), principalFrom(r.Context()), id, req)
	return http.StatusOK, out, err
}

func (a *API) returnSubmission(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, req, err := idAndBody[protocol.ReturnSubmissionRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	user, err := pathID(r, "user")
	if err != nil {
		return 0, nil, err
	}
	out, err := a.collections.Return(r.Context(), principalFrom(r.Context()), id, user, req)
	return http.StatusOK, out, err
}

func (a *API) closeCollection(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	out, err := a.collections.Close(r.Context(), principalFrom(r.Context()), id)
	return http.StatusOK, out, err
}

func (a *API) remindCollection(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	out, err := a.collections.Remind(r.Context(), principalFrom(r.Context()), id)
	return http.StatusOK, out, err
}

func (a *API) collectionSubmissions(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	out, err := a.collections.Submissions(r.Context(), principalFrom(r.Context()), id)
	return http.StatusOK, out, err
}

func (a *API) collectionStatus(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	out, err := a.collections.Status(r.Context(), principalFrom(r.Context()), id)
	return http.StatusOK, out, err
}

func (a *API) collectionHistory(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	out, err := a.collections.History(r.Context(), principalFrom(r.Context()), id)
	return http.StatusOK, out, err
}

// collectionExport answers the answers as an .xlsx workbook, named after the
// collection. It is built in memory first, so a refusal is still a JSON error.
func (a *API) collectionExport(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var buf bytes.Buffer
	err = a.collections.Export(r.Context(), principalFrom(r.Context()), id, &buf)
	if err == nil {
		err = a.recordExport(r, audit.CollectionExport, "collection", id, buf.Len())
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	name := fmt.Sprintf("收集汇总-%d.xlsx", id)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="collection-%d.xlsx"; filename*=UTF-8''%s`, id, url.PathEscape(name)))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}
