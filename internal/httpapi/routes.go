package httpapi

import (
	"net/http"

	"govchat/internal/apperr"
	"govchat/internal/authz"
	"govchat/protocol"
)

// routes is the whole REST surface in one place. PROTOCOL.md documents each route.
func (a *API) routes() http.Handler {
	mux := http.NewServeMux()

	mux.HandleFunc("GET /healthz", a.healthz)
	mux.HandleFunc("GET /readyz", a.readyz)
	mux.Handle("GET /metrics", a.metrics.Handler())

	mux.HandleFunc("GET /api/v1/info", a.info)
	mux.HandleFunc("POST /api/v1/auth/prelogin", a.prelogin)
	mux.HandleFunc("POST /api/v1/auth/login", a.login)
	mux.HandleFunc("POST /api/v1/auth/logout", a.authed(true, a.logout))

	mux.HandleFunc("GET /api/v1/me", a.authed(true, a.me))
	mux.HandleFunc("POST /api/v1/me/password", a.authed(true, a.changePassword))
	mux.HandleFunc("POST /api/v1/me/totp/setup", a.authed(true, a.totpSetup))
	mux.HandleFunc("POST /api/v1/me/totp/enable", a.authed(true, a.totpEnable))
	mux.HandleFunc("POST /api/v1/me/totp/disable", a.authed(false, a.totpDisable))

	mux.HandleFunc("GET /api/v1/org", a.requires(authz.ReadDirectory, a.orgTree))
	mux.HandleFunc("GET /api/v1/org/people", a.requires(authz.ReadDirectory, a.people))

	mux.HandleFunc("GET /api/v1/admin/users", a.requires(authz.ManageUsers, a.serve(a.listUsers)))
	mux.HandleFunc("POST /api/v1/admin/users", a.requires(authz.ManageUsers, a.serve(a.createUser)))
	mux.HandleFunc("GET /api/v1/admin/users/{id}", a.requires(authz.ManageUsers, a.serve(a.getUser)))
	mux.HandleFunc("PATCH /api/v1/admin/users/{id}", a.requires(authz.ManageUsers, a.serve(a.updateUser)))
	mux.HandleFunc("PUT /api/v1/admin/users/{id}/memberships", a.requires(authz.ManageUsers, a.serve(a.setMemberships)))
	mux.HandleFunc("POST /api/v1/admin/users/{id}/reset-password", a.requires(authz.ManageUsers, a.serve(a.resetPassword)))
	mux.HandleFunc("POST /api/v1/admin/users/{id}/reset-totp", a.requires(authz.ManageUsers, a.serve(a.resetTOTP)))

	mux.HandleFunc("POST /api/v1/admin/departments", a.requires(authz.ManageOrg, a.serve(a.createDepartment)))
	mux.HandleFunc("PUT /api/v1/admin/departments/{id}", a.requires(authz.ManageOrg, a.serve(a.updateDepartment)))
	mux.HandleFunc("DELETE /api/v1/admin/departments/{id}", a.requires(authz.ManageOrg, a.serve(a.deleteDepartment)))
	mux.HandleFunc("POST /api/v1/admin/party-orgs", a.requires(authz.ManageOrg, a.serve(a.createPartyOrg)))
	mux.HandleFunc("PUT /api/v1/admin/party-orgs/{id}", a.requires(authz.ManageOrg, a.serve(a.updatePartyOrg)))
	mux.HandleFunc("DELETE /api/v1/admin/party-orgs/{id}", a.requires(authz.ManageOrg, a.serve(a.deletePartyOrg)))
	mux.HandleFunc("POST /api/v1/admin/import", a.requires(authz.ManageOrg, a.serve(a.importOrg)))

	mux.HandleFunc("GET /api/v1/audit/events", a.requires(authz.ReadAudit, a.auditEvents))

	mux.HandleFunc("GET /api/v1/channels", a.authed(false, a.serve(a.listChannels)))
	mux.HandleFunc("POST /api/v1/channels", a.authed(false, a.serve(a.createGroup)))
	mux.HandleFunc("PATCH /api/v1/channels/{id}", a.authed(false, a.serve(a.updateChannel)))
	mux.HandleFunc("GET /api/v1/channels/{id}/members", a.authed(false, a.serve(a.channelMembers)))
	mux.HandleFunc("POST /api/v1/channels/{id}/members", a.authed(false, a.serve(a.addChannelMembers)))
	mux.HandleFunc("DELETE /api/v1/channels/{id}/members/{user}", a.authed(false, a.serve(a.removeChannelMember)))
	mux.HandleFunc("PUT /api/v1/channels/{id}/members/{user}/role", a.authed(false, a.serve(a.setMemberRole)))
	mux.HandleFunc("GET /api/v1/channels/{id}/messages", a.authed(false, a.serve(a.history)))
	mux.HandleFunc("GET /api/v1/channels/{id}/reads", a.authed(false, a.serve(a.channelReads)))
	mux.HandleFunc("GET /api/v1/search", a.authed(false, a.serve(a.search)))
	mux.HandleFunc("POST /api/v1/direct/{user}", a.authed(false, a.serve(a.openDirect)))
	mux.HandleFunc("POST /api/v1/forward", a.authed(false, a.serve(a.forward)))

	if a.notices != nil {
		mux.HandleFunc("POST /api/v1/notices", a.authed(false, a.serve(a.publishNotice)))
		mux.HandleFunc("GET /api/v1/notices", a.authed(false, a.serve(a.listNotices)))
		mux.HandleFunc("POST /api/v1/notices/audience", a.authed(false, a.serve(a.noticeAudience)))
		mux.HandleFunc("GET /api/v1/notices/{id}", a.authed(false, a.serve(a.getNotice)))
		mux.HandleFunc("GET /api/v1/notices/{id}/revisions", a.authed(false, a.serve(a.noticeRevisions)))
		mux.HandleFunc("POST /api/v1/notices/{id}/revisions", a.authed(false, a.serve(a.reviseNotice)))
		mux.HandleFunc("POST /api/v1/notices/{id}/withdraw", a.authed(false, a.serve(a.withdrawNotice)))
		mux.HandleFunc("POST /api/v1/notices/{id}/seen", a.authed(false, a.serve(a.noticeSeen)))
		mux.HandleFunc("POST /api/v1/notices/{id}/confirm", a.authed(false, a.serve(a.confirmNotice)))
		mux.HandleFunc("GET /api/v1/notices/{id}/tally", a.authed(false, a.serve(a.noticeTally)))
		mux.HandleFunc("GET /api/v1/notices/{id}/tally.csv", a.authed(false, a.noticeTallyCSV))
		mux.HandleFunc("POST /api/v1/notices/{id}/remind", a.authed(false, a.serve(a.remindNotice)))
	}
	if a.collections != nil {
		mux.HandleFunc("POST /api/v1/collections", a.authed(false, a.serve(a.publishCollection)))
		mux.HandleFunc("GET /api/v1/collections", a.authed(false, a.serve(a.listCollections)))
		mux.HandleFunc("GET /api/v1/collections/{id}", a.authed(false, a.serve(a.getCollection)))
		mux.HandleFunc("POST /api/v1/collections/{id}/submission", a.authed(false, a.serve(a.submitCollection)))
		mux.HandleFunc("POST /api/v1/collections/{id}/submissions/{user}/return", a.authed(false, a.serve(a.returnSubmission)))
		mux.HandleFunc("POST /api/v1/collections/{id}/close", a.authed(false, a.serve(a.closeCollection)))
		mux.HandleFunc("POST /api/v1/collections/{id}/remind", a.authed(false, a.serve(a.remindCollection)))
		mux.HandleFunc("GET /api/v1/collections/{id}/submissions", a.authed(false, a.serve(a.collectionSubmissions)))
		mux.HandleFunc("GET /api/v1/collections/{id}/status", a.authed(false, a.serve(a.collectionStatus)))
		mux.HandleFunc("GET /api/v1/collections/{id}/history", a.authed(false, a.serve(a.collectionHistory)))
		mux.HandleFunc("GET /api/v1/collections/{id}/export.xlsx", a.authed(false, a.collectionExport))
	}
	if a.push != nil {
		mux.HandleFunc("GET /api/v1/push/key", a.authed(false, a.serve(a.pushKey)))
		mux.HandleFunc("POST /api/v1/push/subscriptions", a.authed(false, a.serve(a.pushSubscribe)))
		mux.HandleFunc("DELETE /api/v1/push/subscriptions", a.authed(false, a.serve(a.pushUnsubscribe)))
		mux.HandleFunc("POST /api/v1/push/test", a.authed(false, a.serve(a.pushTest)))
	}
	if a.quiet != nil {
		// Quiet hours (§4.11). The service authorises too; requires keeps the refusal
		// before the body is read, audited like every other admin route's.
		mux.HandleFunc("GET /api/v1/me/quiet", a.authed(false, a.serve(a.getMyQuiet)))
		mux.HandleFunc("PUT /api/v1/me/quiet", a.authed(false, a.serve(a.putMyQuiet)))
		mux.HandleFunc("GET /api/v1/channels/{id}/notify", a.authed(false, a.serve(a.getChannelNotify)))
		mux.HandleFunc("PUT /api/v1/channels/{id}/notify", a.authed(false, a.serve(a.putChannelNotify)))
		mux.HandleFunc("GET /api/v1/work-schedule", a.authed(false, a.serve(a.getOrgSchedule)))
		mux.HandleFunc("POST /api/v1/reachability", a.authed(false, a.serve(a.reachability)))
		mux.HandleFunc("PUT /api/v1/admin/work-schedule", a.requires(authz.ManageOrg, a.serve(a.putOrgSchedule)))
		mux.HandleFunc("PUT /api/v1/admin/calendar/{year}", a.requires(authz.ManageOrg, a.serve(a.putCalendarYear)))
		mux.HandleFunc("GET /api/v1/admin/duty", a.requires(authz.ManageOrg, a.serve(a.listDuty)))
		mux.HandleFunc("POST /api/v1/admin/duty", a.requires(authz.ManageOrg, a.serve(a.createDuty)))
		mux.HandleFunc("DELETE /api/v1/admin/duty/{id}", a.requires(authz.ManageOrg, a.serve(a.deleteDuty)))
	}
	if a.keys != nil {
		// Keys of end-to-end encrypted files (§4.16, §4.17) and 群文件 (§4.9).
		mux.HandleFunc("GET /api/v1/me/key", a.authed(false, a.serve(a.getMyKey)))
		mux.HandleFunc("PUT /api/v1/me/key", a.authed(false, a.serve(a.putMyKey)))
		mux.HandleFunc("GET /api/v1/keys", a.authed(false, a.serve(a.userKeys)))
		mux.HandleFunc("GET /api/v1/keys/escrow", a.authed(false, a.serve(a.escrowKey)))
		mux.HandleFunc("GET /api/v1/channels/{id}/keys", a.authed(false, a.serve(a.channelKeys)))
		mux.HandleFunc("GET /api/v1/channels/{id}/files", a.authed(false, a.serve(a.channelFiles)))
		if a.notices != nil {
			mux.HandleFunc("POST /api/v1/notices/audience/keys", a.authed(false, a.serve(a.noticeAudienceKeys)))
		}
		mux.HandleFunc("POST /api/v1/files/{id}/keys", a.authed(false, a.serve(a.postFileKeys)))
		mux.HandleFunc("POST /api/v1/files/{id}/key-requests", a.authed(false, a.serve(a.requestFileKey)))
		mux.HandleFunc("GET /api/v1/file-keys", a.authed(false, a.serve(a.myFileKeys)))
		mux.HandleFunc("PUT /api/v1/admin/escrow-key", a.requires(authz.ManageEscrow, a.serve(a.setEscrowKey)))
		mux.HandleFunc("POST /api/v1/files/{id}/escrow-open", a.requires(authz.OpenEscrow, a.serve(a.escrowOpen)))
	}
	if a.recovery != nil {
		// Key recovery (§4.23): the person's side needs a session, the officer's recovery.manage.
		mux.HandleFunc("GET /api/v1/keys/account-recovery", a.authed(false, a.serve(a.recoveryKey)))
		mux.HandleFunc("PUT /api/v1/admin/account-recovery-key", a.requires(authz.ManageRecovery, a.serve(a.setRecoveryKey)))
		mux.HandleFunc("POST /api/v1/me/key-recoveries", a.authed(false, a.serve(a.createKeyRecovery)))
		mux.HandleFunc("GET /api/v1/me/key-recoveries/{id}", a.authed(false, a.serve(a.getKeyRecovery)))
		mux.HandleFunc("POST /api/v1/me/key-recoveries/{id}/answer", a.authed(false, a.serve(a.answerKeyRecovery)))
		mux.HandleFunc("POST /api/v1/me/key-recoveries/{id}/decline", a.authed(false, a.serve(a.declineKeyRecovery)))
		mux.HandleFunc("GET /api/v1/key-recoveries", a.requires(authz.ManageRecovery, a.serve(a.listKeyRecoveries)))
		mux.HandleFunc("POST /api/v1/key-recoveries/{id}/approve", a.requires(authz.ManageRecovery, a.serve(a.approveKeyRecovery)))
		mux.HandleFunc("POST /api/v1/key-recoveries/{id}/reject", a.requires(authz.ManageRecovery, a.serve(a.rejectKeyRecovery)))
	}
	if a.files != nil {
		// Files (§4.15): the part upload is the only route whose body is not JSON.
		mux.HandleFunc("POST /api/v1/uploads", a.authed(false, a.serve(a.createUpload)))
		mux.HandleFunc("GET /api/v1/uploads/{id}", a.authed(false, a.serve(a.getUpload)))
		mux.HandleFunc("PUT /api/v1/uploads/{id}/parts/{n}", a.authed(false, a.serve(a.putPart)))
		mux.HandleFunc("POST /api/v1/uploads/{id}/complete", a.authed(false, a.serve(a.completeUpload)))
		mux.HandleFunc("DELETE /api/v1/uploads/{id}", a.authed(false, a.serve(a.cancelUpload)))
		mux.HandleFunc("GET /api/v1/files/{id}", a.authed(false, a.download))
	}
	if a.holds != nil {
		// Legal holds (§4.19).
		mux.HandleFunc("POST /api/v1/holds", a.requires(authz.ManageHolds, a.serve(a.placeHold)))
		mux.HandleFunc("GET /api/v1/holds", a.authed(false, a.serve(a.listHolds)))
		mux.HandleFunc("POST /api/v1/holds/{id}/release", a.requires(authz.ManageHolds, a.serve(a.releaseHold)))
		mux.HandleFunc("POST /api/v1/holds/{id}/countersign", a.requires(authz.CountersignHolds, a.serve(a.countersignHold)))
		mux.HandleFunc("POST /api/v1/holds/{id}/cancel-release", a.requires(authz.ManageHolds, a.serve(a.cancelHoldRelease)))
	}
	if a.secrecy != nil {
		// Secrecy levels (§4.18): every session reads the ladder; the security officer
		// alone changes it and the channels' ceilings.
		mux.HandleFunc("GET /api/v1/secrecy", a.authed(false, a.serve(a.getSecrecy)))
		mux.HandleFunc("PUT /api/v1/secrecy/levels", a.requires(authz.ManageSecrecy, a.serve(a.putSecrecyLevels)))
		mux.HandleFunc("GET /api/v1/secrecy/channels", a.requires(authz.ManageSecrecy, a.serve(a.listChannelSecrecy)))
		mux.HandleFunc("PUT /api/v1/secrecy/channels/{id}", a.requires(authz.ManageSecrecy, a.serve(a.putChannelSecrecy)))
	}
	if a.todos != nil {
		// 待办 (§4.22): the list, and message to-dos.
		mux.HandleFunc("GET /api/v1/todos", a.authed(false, a.serve(a.listTodos)))
		mux.HandleFunc("POST /api/v1/todos", a.authed(false, a.serve(a.createTodo)))
		mux.HandleFunc("GET /api/v1/todos/assigned", a.authed(false, a.serve(a.assignedTodos)))
		mux.HandleFunc("GET /api/v1/todos/{id}", a.authed(false, a.serve(a.getTodo)))
		mux.HandleFunc("DELETE /api/v1/todos/{id}", a.authed(false, a.serve(a.cancelTodo)))
		mux.HandleFunc("POST /api/v1/todos/{id}/done", a.authed(false, a.serve(a.todoDone)))
		mux.HandleFunc("POST /api/v1/todos/{id}/reopen", a.authed(false, a.serve(a.reopenTodo)))
	}
	if a.presenceOf != nil {
		mux.HandleFunc("GET /api/v1/presence", a.authed(false, a.presence))
	}
	if a.ws != nil {
		// The handshake passes the same Origin check and authentication as REST; the
		// hub upgrades what they let through.
		mux.HandleFunc("GET /api/v1/ws", a.authed(false, a.ws.ServeHTTP))
	}

	// Anything else under /api is a JSON 405 or 404, never the web client's page.
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		if otherMethodMatches(mux, r) {
			a.writeError(w, r, apperr.New(protocol.CodeMethodNotAllowed, "method %s not allowed for this path", r.Method))
			return
		}
		a.writeError(w, r, apperr.New(protocol.CodeNotFound, "no such endpoint"))
	})
	if a.web != nil {
		// Registered for every method ("GET /" would conflict with "/api/"); the web
		// client is only ever read.
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				w.Header().Set("Allow", "GET, HEAD")
				http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
				return
			}
			a.web.ServeHTTP(w, r)
		})
	}
	return mux
}

// otherMethodMatches reports whether the path exists for some other method, so a wrong
// method gets 405 rather than 404.
func otherMethodMatches(mux *http.ServeMux, r *http.Request) bool {
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, p := mux.Handler(probe); p != "" && p != "/api/" {
			return true
		}
	}
	return false
}
