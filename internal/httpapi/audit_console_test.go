package httpapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"govchat/internal/audit"
	"govchat/internal/busevent"
	"govchat/internal/demo"
	"govchat/internal/httpapi"
	"govchat/internal/quiet"
	"govchat/internal/secalert"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/internal/wstest"
	"govchat/protocol"
)

// The audit console (PROTOCOL.md §4.8, §4.24).

const aBlob = "0123456789abcdef0123456789abcdef"

// consoleEndpoints is every console endpoint, with what the security officer gets
// (an answer other than forbidden; here the thing asked for does not exist).
var consoleEndpoints = []struct {
	method, path string
	body         any
	officer      int // status for the security officer
	auditor      int // status for the auditor
}{
	{"GET", "/api/v1/audit/events", nil, 200, 200},
	{"GET", "/api/v1/audit/people/1/timeline", nil, 200, 200},
	{"GET", "/api/v1/audit/files/" + aBlob + "/trace", nil, 404, 404},
	{"GET", "/api/v1/audit/messages/1/1/trace", nil, 404, 404},
	{"GET", "/api/v1/audit/notices/1/readers", nil, 404, 404},
	{"GET", "/api/v1/audit/alerts", nil, 200, 200},
	{"POST", "/api/v1/audit/alerts/999/ack", protocol.AlertAck{Note: "已核实"}, 404, 403},
	{"GET", "/api/v1/audit/export.csv?case_number=2026-7", nil, 200, 200},
}

// Every endpoint × every role: staff, leaders and the administrator are refused and
// each refusal is audited auth.denied; the auditor reads but does not acknowledge.
func TestAuditConsoleAuthorisation(t *testing.T) {
	h := newHarness(t, storetest.NewSQLite(t))
	roles := []struct {
		user string
		role store.Role
	}{{"zhangjing", store.RoleStaff}, {"lihua", store.RoleLeader}, {"zhoutao", store.RoleAdmin},
		{"sunli", store.RoleAuditor}, {"zhaomin", store.RoleSecurity}}
	for _, r := range roles {
		tok := h.login(r.user, demo.Password)
		for _, ep := range consoleEndpoints {
			t.Run(string(r.role)+" "+ep.method+" "+ep.path, func(t *testing.T) {
				h := h.as(t)
				before := len(auditOf(t, h.store, "auth.denied"))
				resp := h.do(ep.method, ep.path, tok, ep.body)
				want := http.StatusForbidden
				switch r.role {
				case store.RoleSecurity:
					want = ep.officer
				case store.RoleAuditor:
					want = ep.auditor
				}
				if resp.status != want {
					t.Fatalf("status %d, want %d: %s", resp.status, want, resp.body)
				}
				denied := auditOf(t, h.store, "auth.denied")
				if refused := want == http.StatusForbidden; refused != (len(denied) == before+1) {
					t.Fatalf("refused %v, auth.denied entries %d → %d", refused, before, len(denied))
				}
				if want == http.StatusForbidden && (denied[0].ActorName != r.user || !strings.Contains(denied[0].TargetID, "/api/v1/audit/")) {
					t.Fatalf("denied entry %+v", denied[0])
				}
			})
		}
	}
}

func auditOf(t *testing.T, s store.Store, action string) []store.AuditEvent {
	t.Helper()
	es, err := s.ListAudit(t.Context(), store.AuditFilter{Action: action, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// Bad parameters are named.
func TestAuditConsoleBadParameters(t *testing.T) {
	h := newHarness(t, storetest.NewSQLite(t))
	tok := h.login("sunli", demo.Password)
	cases := []struct{ path, field string }{
		{"/api/v1/audit/events?limit=0", "limit"},
		{"/api/v1/audit/events?limit=1001", "limit"},
		{"/api/v1/audit/events?person_id=x", "person_id"},
		{"/api/v1/audit/events?person_id=0", "person_id"},
		{"/api/v1/audit/events?department_id=-1", "department_id"},
		{"/api/v1/audit/events?level=4", "level"},
		{"/api/v1/audit/events?level=x", "level"},
		{"/api/v1/audit/events?outcome=maybe", "outcome"},
		{"/api/v1/audit/events?target_id=9", "target_id"},
		{"/api/v1/audit/events?target_type=" + strings.Repeat("x", 33), "target_type"},
		{"/api/v1/audit/events?target_type=blob&target_id=%FF", "target_id"},
		{"/api/v1/audit/events?since=yesterday", "since"},
		{"/api/v1/audit/events?before_id=0", "before_id"},
		{"/api/v1/audit/people/3/timeline?until=2026-13-01", "until"},
		{"/api/v1/audit/files/ABC/trace", "blob_id"},
		{"/api/v1/audit/files/" + strings.ToUpper(aBlob) + "/trace", "blob_id"},
		{"/api/v1/audit/alerts?state=new", "state"},
		{"/api/v1/audit/alerts?limit=201", "limit"},
		{"/api/v1/audit/export.csv", "case_number"},
		{"/api/v1/audit/export.csv?case_number=", "case_number"},
		{"/api/v1/audit/export.csv?case_number=" + strings.Repeat("号", 65), "case_number"},
		{"/api/v1/audit/export.csv?case_number=a%0Ab", "case_number"},
		{"/api/v1/audit/export.csv?case_number=7&level=9", "level"},
	}
	for _, c := range cases {
		r := h.do("GET", c.path, tok, nil)
		if r.status != http.StatusBadRequest || r.err().Code != protocol.CodeBadRequest || r.err().Field != c.field {
			t.Errorf("%s: %d %s, want bad_request on %s", c.path, r.status, r.body, c.field)
		}
	}
	for _, c := range []struct {
		path string
		code protocol.Code
	}{
		{"/api/v1/audit/people/99999/timeline", protocol.CodeNotFound},
		{"/api/v1/audit/people/x/timeline", protocol.CodeNotFound},
		{"/api/v1/audit/messages/x/1/trace", protocol.CodeNotFound},
	} {
		r := h.do("GET", c.path, tok, nil)
		if r.err().Code != c.code {
			t.Errorf("%s: %d %s, want %s", c.path, r.status, r.body, c.code)
		}
	}
	officer := h.login("zhaomin", demo.Password)
	for _, note := range []string{"", "   ", strings.Repeat("注", 501), "a\x00b"} {
		r := h.do("POST", "/api/v1/audit/alerts/1/ack", officer, protocol.AlertAck{Note: note})
		if r.status != http.StatusBadRequest || r.err().Field != "note" {
			t.Errorf("note %q: %d %s", note, r.status, r.body)
		}
	}
}

// The filters over HTTP, one person's week, and every read in the trail.
func TestAuditConsoleTrail(t *testing.T) {
	h := newHarness(t, storetest.NewSQLite(t))
	auditor := h.login("sunli", demo.Password)
	staff := h.login("zhangjing", demo.Password)
	h.expect(h.do("GET", "/api/v1/admin/users", staff, nil), http.StatusForbidden, protocol.CodeForbidden)
	zj := h.userID("zhangjing")
	get := func(path string) protocol.AuditEvents {
		t.Helper()
		r := h.do("GET", path, auditor, nil)
		h.expect(r, http.StatusOK, "")
		var out protocol.AuditEvents
		r.decode(t, &out)
		return out
	}
	evs := get(fmt.Sprintf("/api/v1/audit/events?person_id=%d&outcome=denied", zj))
	if len(evs.Events) != 1 || evs.Events[0].Action != "auth.denied" || evs.Events[0].ActorRole != "staff" || evs.Events[0].DepartmentID == 0 {
		t.Fatalf("denied entries of zhangjing: %+v", evs.Events)
	}
	dept := evs.Events[0].DepartmentID
	if got := get(fmt.Sprintf("/api/v1/audit/events?department_id=%d&outcome=denied", dept)); len(got.Events) != 1 {
		t.Errorf("by department: %+v", got.Events)
	}
	if got := get("/api/v1/audit/events?action=auth.login&target_type=user&target_id=" + fmt.Sprint(zj)); len(got.Events) != 1 || got.Events[0].SubjectID != zj {
		t.Errorf("by target: %+v", got.Events)
	}
	r := h.do("GET", fmt.Sprintf("/api/v1/audit/people/%d/timeline?since=%s&limit=2", zj, url.QueryEscape(h.clock.now().Add(-7*24*3600e9).Format("2006-01-02T15:04:05Z07:00"))), auditor, nil)
	h.expect(r, http.StatusOK, "")
	var tl protocol.PersonTimeline
	r.decode(t, &tl)
	if tl.Person.ID != zj || tl.Person.Name != "张静" || tl.Person.Department == nil || len(tl.Events) != 2 || tl.NextBeforeID != tl.Events[1].ID {
		t.Fatalf("timeline %+v", tl)
	}
	// Every read above is in the trail, with what was asked.
	reads := auditOf(t, h.store, "audit.read")
	if len(reads) != 4 || reads[0].TargetType != "user" || reads[0].TargetID != fmt.Sprint(zj) || !strings.Contains(reads[3].Detail, `"outcome":"denied"`) {
		t.Fatalf("reads %+v", reads)
	}
}

// The CSV export: a case number, a byte-order mark, Chinese headers, Beijing times,
// formulas defused, and the export itself in the trail with its count.
func TestAuditConsoleExport(t *testing.T) {
	h := newHarness(t, storetest.NewSQLite(t))
	officer := h.login("zhaomin", demo.Password)
	h.expect(h.do("POST", "/api/v1/auth/login", "", protocol.LoginRequest{Username: "=1+1", AuthHash: wrongAuthHash}), http.StatusUnauthorized, "")
	h.expect(h.do("POST", "/api/v1/auth/login", "", protocol.LoginRequest{Username: "@sum", AuthHash: wrongAuthHash}), http.StatusUnauthorized, "")
	r := h.do("GET", "/api/v1/audit/export.csv?action=auth.login_failed&case_number="+url.QueryEscape("（2026）保密字第7号"), officer, nil)
	h.expect(r, http.StatusOK, "")
	if ct := r.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="audit-`) || !strings.HasSuffix(cd, `-20261123.csv"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	if !bytes.HasPrefix(r.body, []byte("\xEF\xBB\xBF")) {
		t.Fatal("no byte-order mark")
	}
	if !bytes.Contains(r.body, []byte("\r\n")) {
		t.Error("lines do not end in CRLF")
	}
	rows, err := csv.NewReader(bytes.NewReader(r.body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "编号" || rows[0][1] != "时间（北京时间）" || len(rows[0]) != 15 {
		t.Fatalf("rows %q", rows)
	}
	// Newest first; the names as typed, defused; 09:00 UTC is 17:00 in Beijing.
	if rows[1][3] != "'@sum" || rows[2][3] != "'=1+1" || !strings.HasPrefix(rows[1][1], "2026-11-23 17:00:00") || rows[1][10] != "失败" {
		t.Errorf("rows %q", rows[1:])
	}
	ex := auditOf(t, h.store, "audit.exported")
	if len(ex) != 1 || !strings.Contains(ex[0].Detail, `"case_number":"（2026）保密字第7号"`) || !strings.Contains(ex[0].Detail, `"rows":2`) ||
		!strings.Contains(ex[0].Detail, `"action_filter":"auth.login_failed"`) {
		t.Fatalf("exported entry %+v", ex)
	}
}

// Alerts: listed by both watchers, acknowledged by the security officer alone, once,
// with the acknowledgement in the trail.
func TestAuditConsoleAlerts(t *testing.T) {
	s := storetest.NewSQLite(t)
	h := newHarness(t, s)
	officer, auditor := h.login("zhaomin", demo.Password), h.login("sunli", demo.Password)
	zj := h.userID("zhangjing")
	a := store.SecurityAlert{Kind: protocol.AlertMassDownload, RaisedAt: h.clock.now(), ActorID: zj, ActorName: "zhangjing",
		Count: 23, WindowSecs: 600, EventIDs: []int64{1, 2, 3}, LastEventID: 3}
	if err := s.InsertAlert(t.Context(), &a); err != nil {
		t.Fatal(err)
	}
	list := func(tok, state string) protocol.SecurityAlerts {
		t.Helper()
		r := h.do("GET", "/api/v1/audit/alerts?state="+state, tok, nil)
		h.expect(r, http.StatusOK, "")
		var out protocol.SecurityAlerts
		r.decode(t, &out)
		return out
	}
	got := list(auditor, "open")
	if len(got.Alerts) != 1 || got.Alerts[0].Actor == nil || got.Alerts[0].Actor.Name != "张静" || got.Alerts[0].State != "open" ||
		got.Alerts[0].Count != 23 || got.Alerts[0].Window != 600 {
		t.Fatalf("alerts %+v", got)
	}
	path := fmt.Sprintf("/api/v1/audit/alerts/%d/ack", a.ID)
	h.expect(h.do("POST", path, auditor, protocol.AlertAck{Note: "看看"}), http.StatusForbidden, protocol.CodeForbidden)
	r := h.do("POST", path, officer, protocol.AlertAck{Note: "已核实，系正常加班"})
	h.expect(r, http.StatusOK, "")
	var acked protocol.SecurityAlert
	r.decode(t, &acked)
	if acked.State != "acked" || acked.AckedBy == nil || acked.AckedBy.Name != "赵敏" || acked.Note != "已核实，系正常加班" || acked.AckedAt == nil {
		t.Fatalf("acked %+v", acked)
	}
	h.expect(h.do("POST", path, officer, protocol.AlertAck{Note: "再次"}), http.StatusConflict, protocol.CodeConflict)
	if n := len(list(auditor, "open").Alerts); n != 0 {
		t.Errorf("%d open after the ack", n)
	}
	if all := list(officer, "all").Alerts; len(all) != 1 || all[0].State != "acked" {
		t.Errorf("all %+v", all)
	}
	ev := auditOf(t, h.store, "alert.acked")
	if len(ev) != 1 || ev[0].ActorName != "zhaomin" || ev[0].TargetID != fmt.Sprint(a.ID) || !strings.Contains(ev[0].Detail, "正常加班") {
		t.Fatalf("alert.acked %+v", ev)
	}
}

// A file sent by one person, forwarded by a second into another channel, and
// downloaded by three: the trace shows exactly that path, who held its key and each
// step, from the blob id and from either message.
func TestAuditConsoleFileTrace(t *testing.T) {
	forEachBackendSQL(t, func(t *testing.T, s store.Store, exec execFunc) {
		e := newFilesEnv(t, s, exec, filesOpt{})
		w := newWorld(e.harness, nil, "")
		staff, peer, lead := e.login("zhangjing", demo.Password), e.login("wuqiang", demo.Password), e.login("lihua", demo.Password)
		officer, auditor := e.login("zhaomin", demo.Password), e.login("sunli", demo.Password)
		for _, tok := range []string{staff, peer, lead} {
			w.putKey(tok)
		}
		zj, wq, lh := e.userID("zhangjing"), e.userID("wuqiang"), e.userID("lihua")
		section := e.myChannels(staff)["预算编制组"]
		r := e.do("POST", "/api/v1/channels", peer, protocol.CreateGroupRequest{Name: "专项组", Members: []int64{lh}})
		e.expect(r, http.StatusCreated, "")
		var group protocol.Channel
		r.decode(t, &group)

		ws, _, err := e.dialWS(staff, "", false)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		ws.Hello()
		id := e.upload(staff, ciphertext(t, 6000)).ID
		e.expect(w.postKeys(staff, id, channelContext(section.ID), w.wrapFor(zj, wq)), http.StatusNoContent, "")
		ref := protocol.AttachmentRef{BlobID: id, Commitment: commitment()}
		f := sendFile(t, ws, protocol.SendData{ChannelID: section.ID, ClientID: "trace-1", Attachment: &ref})
		if f.Type != protocol.TypeAck {
			t.Fatalf("send: %s", f.Data)
		}
		var ack protocol.AckData
		if err := json.Unmarshal(f.Data, &ack); err != nil {
			t.Fatal(err)
		}
		e.clock.advance(60e9)
		e.expect(w.postKeys(peer, id, channelContext(group.ID), w.wrapFor(wq, lh)), http.StatusNoContent, "")
		r = e.do("POST", "/api/v1/forward", peer, protocol.ForwardRequest{ClientID: "trace-fwd", ChannelID: section.ID, Seqs: []int64{ack.Seq},
			Targets: []protocol.ForwardTarget{{ChannelID: group.ID}}})
		e.expect(r, http.StatusOK, "")
		var fwd protocol.ForwardResult
		r.decode(t, &fwd)
		e.clock.advance(60e9)
		for _, tok := range []string{peer, lead, staff} {
			e.expect(e.do("GET", "/api/v1/files/"+id+"?purpose=view", tok, nil), http.StatusOK, "")
		}
		// Someone outside both channels has nothing to download.
		e.expect(e.do("GET", "/api/v1/files/"+id, e.login("heping", demo.Password), nil), http.StatusNotFound, protocol.CodeNotFound)

		trace := func(tok, path string) protocol.FileTrace {
			t.Helper()
			r := e.do("GET", path, tok, nil)
			e.expect(r, http.StatusOK, "")
			var ft protocol.FileTrace
			r.decode(t, &ft)
			return ft
		}
		ft := trace(officer, "/api/v1/audit/files/"+id+"/trace")
		if ft.File.BlobID != id || ft.File.Uploader.Name != "张静" || ft.File.Size != 6000 || ft.File.Level == nil || *ft.File.Level != 0 {
			t.Errorf("file %+v", ft.File)
		}
		if len(ft.Path) != 2 {
			t.Fatalf("path %+v", ft.Path)
		}
		first, second := ft.Path[0], ft.Path[1]
		if first.Channel.ID != section.ID || first.Channel.Name != "预算编制组" || first.Seq != ack.Seq || first.Sender.ID != zj || first.ForwardedFrom != nil {
			t.Errorf("first %+v", first)
		}
		if second.Channel.ID != group.ID || second.Channel.Kind != "group" || second.Seq != fwd.Results[0].Seqs[0] || second.Sender.ID != wq ||
			second.ForwardedFrom == nil || *second.ForwardedFrom != (protocol.MessageRef{ChannelID: section.ID, Seq: ack.Seq}) {
			t.Errorf("second %+v", second)
		}
		var holders []string
		for _, k := range ft.Recipients {
			holders = append(holders, fmt.Sprintf("%s@%s", k.User.Name, k.Context))
		}
		slices.Sort(holders)
		wantHolders := []string{"吴强@" + channelContext(group.ID), "吴强@" + channelContext(section.ID), "张静@" + channelContext(section.ID),
			"李华@" + channelContext(group.ID)}
		slices.Sort(wantHolders)
		if !slices.Equal(holders, wantHolders) {
			t.Errorf("recipients %v, want %v", holders, wantHolders)
		}
		var steps []string
		for _, ev := range ft.Events {
			if ev.Action == "audit.read" {
				continue
			}
			step := ev.Action + ":" + ev.Actor.Name
			if ev.Purpose != "" {
				step += ":" + ev.Purpose
			}
			steps = append(steps, step)
		}
		want := []string{"file.upload:张静", "file.keys_posted:张静", "file.keys_posted:吴强", "chat.forward:吴强",
			"file.download:吴强:view", "file.download:李华:view", "file.download:张静:view"}
		if !slices.Equal(steps, want) {
			t.Errorf("events %v, want %v", steps, want)
		}
		for _, ev := range ft.Events {
			if ev.Action == "file.download" && (ev.ActorRole == "" || ev.Actor.Department == nil || ev.Level == nil || *ev.Level != 0) {
				t.Errorf("download without role or department: %+v", ev)
			}
		}
		// From either message, the same trace; the auditor may ask too.
		for _, m := range ft.Path {
			got := trace(auditor, fmt.Sprintf("/api/v1/audit/messages/%d/%d/trace", m.Channel.ID, m.Seq))
			if got.File.BlobID != id || len(got.Path) != 2 {
				t.Errorf("from message %d/%d: %+v", m.Channel.ID, m.Seq, got.File)
			}
		}
		reads := auditOf(t, e.store, "audit.read")
		if len(reads) != 3 || reads[0].TargetType != "blob" || reads[0].TargetID != id {
			t.Errorf("reads %+v", reads)
		}
		// Nothing in the trace names a file or holds text.
		raw := e.do("GET", "/api/v1/audit/files/"+id+"/trace", officer, nil).body
		if bytes.Contains(raw, []byte("附件")) {
			t.Error("the trace carries message text")
		}
	})
}

// Who saw notice N: every recipient with when it was delivered, read and confirmed.
func TestAuditConsoleNoticeReaders(t *testing.T) {
	forEachWorld(t, func(t *testing.T, w *world) {
		lead := w.login("lihua", demo.Password)
		staff, peer := w.login("zhangjing", demo.Password), w.login("wuqiang", demo.Password)
		zj, wq := w.userID("zhangjing"), w.userID("wuqiang")
		r := w.do("POST", "/api/v1/notices", lead, protocol.PublishNoticeRequest{Title: "关于报送预算的通知", Body: "请于周五前报送。",
			Audience: protocol.Audience{Users: []int64{zj, wq}}})
		w.expect(r, http.StatusCreated, "")
		var n protocol.Notice
		r.decode(t, &n)
		w.clock.advance(60e9)
		w.expect(w.do("POST", fmt.Sprintf("/api/v1/notices/%d/seen", n.ID), staff, protocol.NoticeReadRequest{Revision: 1}), http.StatusOK, "")
		w.clock.advance(60e9)
		w.expect(w.do("POST", fmt.Sprintf("/api/v1/notices/%d/confirm", n.ID), peer, protocol.NoticeReadRequest{Revision: 1}), http.StatusOK, "")

		r = w.do("GET", fmt.Sprintf("/api/v1/audit/notices/%d/readers", n.ID), w.login("sunli", demo.Password), nil)
		w.expect(r, http.StatusOK, "")
		if bytes.Contains(r.body, []byte("报送")) {
			t.Error("the readers carry the notice's title or body")
		}
		var got protocol.NoticeReaders
		r.decode(t, &got)
		if got.NoticeID != n.ID || got.Author.Name != "李华" || len(got.Readers) != 2 {
			t.Fatalf("readers %+v", got)
		}
		by := map[int64]protocol.NoticeReader{}
		for _, rd := range got.Readers {
			by[rd.User.ID] = rd
		}
		if rd := by[zj]; rd.DeliveredAt == nil || rd.ReadAt == nil || rd.ConfirmedAt != nil {
			t.Errorf("zhangjing %+v", rd)
		}
		if rd := by[wq]; rd.DeliveredAt == nil || rd.ConfirmedAt == nil || !rd.ConfirmedAt.After(*rd.DeliveredAt) {
			t.Errorf("wuqiang %+v", rd)
		}
		reads := auditOf(t, w.store, "audit.read")
		if len(reads) != 1 || reads[0].TargetType != "notice" || reads[0].TargetID != fmt.Sprint(n.ID) {
			t.Errorf("reads %+v", reads)
		}
	})
}

// The rest of a message's and a group's life is in the trail, ids and levels only:
// levelled sends (not plain ones), edits, recalls, creating and leaving a group.
func TestChatEventsInTheTrail(t *testing.T) {
	h := newHarness(t, storetest.NewSQLite(t))
	officer := h.login("zhaomin", demo.Password)
	staff, peer := h.login("zhangjing", demo.Password), h.login("wuqiang", demo.Password)
	section := h.myChannels(staff)["预算编制组"]
	h.expect(h.do("PUT", fmt.Sprintf("/api/v1/secrecy/channels/%d", section.ID), officer,
		protocol.PutChannelSecrecyRequest{MaxSecrecy: 3}), http.StatusOK, "")
	ws, _, err := h.dialWS(staff, "", false)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.Hello()
	seqOf := func(d protocol.SendData) int64 {
		t.Helper()
		f := sendFile(t, ws, d)
		var ack protocol.AckData
		if f.Type != protocol.TypeAck || json.Unmarshal(f.Data, &ack) != nil {
			t.Fatalf("send: %s %s", f.Type, f.Data)
		}
		return ack.Seq
	}
	plain := seqOf(protocol.SendData{ChannelID: section.ID, ClientID: "p1", Text: "普通消息"})
	secret := seqOf(protocol.SendData{ChannelID: section.ID, ClientID: "s1", Text: "敏感内容", Secrecy: 2})
	for _, f := range []struct {
		typ  string
		data any
	}{{protocol.TypeEdit, protocol.EditData{ChannelID: section.ID, Seq: plain, Text: "改过的"}},
		{protocol.TypeRecall, protocol.RecallData{ChannelID: section.ID, Seq: secret}}} {
		ref := ws.Send(f.typ, f.data)
		if a := ws.Until("the answer to "+ref, wstest.WithRef(ref)); a.Type != protocol.TypeAck {
			t.Fatalf("%s: %s", f.typ, a.Data)
		}
	}
	r := h.do("POST", "/api/v1/channels", staff, protocol.CreateGroupRequest{Name: "临时组", Members: []int64{h.userID("wuqiang")}})
	h.expect(r, http.StatusCreated, "")
	var group protocol.Channel
	r.decode(t, &group)
	h.expect(h.do("DELETE", fmt.Sprintf("/api/v1/channels/%d/members/%d", group.ID, h.userID("wuqiang")), peer, nil), http.StatusNoContent, "")

	var got []string
	for _, e := range auditOf(t, h.store, "chat.") {
		if bytes.Contains([]byte(e.Detail), []byte("消息")) || bytes.Contains([]byte(e.Detail), []byte("内容")) {
			t.Errorf("%s carries text: %s", e.Action, e.Detail)
		}
		lv := -1
		if e.Level != nil {
			lv = *e.Level
		}
		got = append(got, fmt.Sprintf("%s:%s:%d", e.Action, e.ActorName, lv))
	}
	slices.Reverse(got)
	want := []string{"chat.send:zhangjing:2", "chat.edit:zhangjing:0", "chat.recall:zhangjing:2",
		"chat.channel_create:zhangjing:-1", "chat.member_leave:wuqiang:-1"}
	if !slices.Equal(got, want) {
		t.Fatalf("chat entries %v, want %v", got, want)
	}
}

// Ten failed logins from one address: the alert job raises login_failures, the
// auditor's open socket gets the audit_alert frame, and the alert is listed.
func TestAuditAlertLive(t *testing.T) {
	var b busevent.Bus
	h := newHarnessWith(t, storetest.NewSQLite(t), func(d *httpapi.Deps) { b = d.Bus.(busevent.Bus) })
	auditor := h.login("sunli", demo.Password)
	ws, _, err := h.dialWS(auditor, "", false)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.Hello()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	job := secalert.New(secalert.Deps{
		Store:       store.Narrow(h.store, func(tx store.Store) secalert.Tx { return tx }),
		WorkingTime: func(context.Context) (secalert.WorkingTime, error) { return quiet.NewPolicy(nil), nil },
		Publisher:   busevent.NewPublisher(b, log), Audit: audit.New(h.store, h.clock.now, log), Log: log, Now: h.clock.now,
	}, secalert.Defaults())
	for i := range 10 {
		h.expect(h.do("POST", "/api/v1/auth/login", "", protocol.LoginRequest{Username: fmt.Sprintf("nobody%d", i), AuthHash: wrongAuthHash}),
			http.StatusUnauthorized, "")
	}
	raised, err := job.Scan(t.Context())
	if err != nil || len(raised) != 1 || raised[0].Kind != protocol.AlertLoginFailures || raised[0].Count != 10 {
		t.Fatalf("raised %+v, %v", raised, err)
	}
	f := ws.Until("the audit_alert frame", func(f protocol.Frame) bool { return f.Type == protocol.TypeAuditAlert })
	var a protocol.SecurityAlert
	if err := json.Unmarshal(f.Data, &a); err != nil || a.ID != raised[0].ID || a.IP == "" || a.State != "open" {
		t.Fatalf("frame %s", f.Data)
	}
	r := h.do("GET", "/api/v1/audit/alerts", auditor, nil)
	var list protocol.SecurityAlerts
	r.decode(t, &list)
	if len(list.Alerts) != 1 || list.Alerts[0].Kind != protocol.AlertLoginFailures || len(list.Alerts[0].EventIDs) != 10 {
		t.Fatalf("alerts %+v", list)
	}
}

// wrongAuthHash is an authentication hash no account has (32 bytes, base64url): a
// failed login as a browser would send it.
const wrongAuthHash = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
