package httpapi

import (
	"context"
	"net/http"
	"time"

	"govchat/internal/apperr"
	"govchat/protocol"
)

// healthz says the process is up; it touches nothing else.
func (a *API) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz says the store and the bus answer, so a load balancer sends traffic here. The
// blob store is reported but does not make a node unready: every node shares it, so
// taking nodes out would stop chat too without bringing files back ("degraded").
func (a *API) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{"store": "ok", "bus": "ok"}
	ready := true
	if err := a.store.Ping(ctx); err != nil {
		checks["store"], ready = "unreachable", false
		a.log.Warn("readyz: store unreachable", "err", err)
	}
	if err := a.bus.Ping(ctx); err != nil {
		checks["bus"], ready = "unreachable", false
		a.log.Warn("readyz: bus unreachable", "err", err)
	}
	if a.blobs != nil {
		checks["blobs"] = "ok"
		if err := a.blobs.Ping(ctx); err != nil {
			checks["blobs"] = "unreachable"
			a.log.Warn("readyz: blob store unreachable", "err", err)
		}
	}
	if !ready {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "checks": checks})
		return
	}
	status := "ok"
	if checks["blobs"] == "unreachable" {
		status = "degraded"
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": status, "checks": checks})
}

// info is public: what the login page shows before anyone logs in.
func (a *API) info(w http.ResponseWriter, r *http.Request) {
	name := a.orgName
	if name == "" {
		stored, err := a.store.GetMeta(r.Context(), "org_name")
		if err != nil && apperr.From(err).Code != protocol.CodeNotFound {
			a.writeError(w, r, err)
			return
		}
		name = stored
	}
	if name == "" {
		name = "govchat"
	}
	info := protocol.Info{
		OrgName: name, Version: a.version, DefaultLocale: a.locale, TimeZone: a.timeZone,
		RecallWindowSeconds: int64(a.recallWindow / time.Second), EditWindowSeconds: int64(a.editWindow / time.Second),
		Reactions: a.reactions,
	}
	if a.files != nil {
		info.MaxFileSize, info.PartSize = a.files.Limits().MaxFileSize, protocol.FilePartSize
	}
	writeJSON(w, http.StatusOK, info)
}
