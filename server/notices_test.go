package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"govchat/internal/demo"
	"govchat/protocol"
)

// call makes a REST request as the token's user and decodes a JSON answer into out
// (when not nil). It returns the status and, for an error answer, its code.
func call(t *testing.T, method, url, token string, body, out any) (int, protocol.Code) {
	t.Helper()
	var rd io.Reader
	if s, ok := body.(string); ok {
		rd = strings.NewReader(s)
	} else if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 {
		var eb protocol.ErrorBody
		_ = json.Unmarshal(raw, &eb)
		return resp.StatusCode, eb.Error.Code
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, url, err, raw)
		}
	}
	return resp.StatusCode, ""
}

func departmentID(t *testing.T, base, token, name string) int64 {
	t.Helper()
	var tree protocol.OrgTree
	if code, _ := call(t, "GET", base+"/api/v1/org", token, nil, &tree); code != 200 {
		t.Fatalf("org tree: %d", code)
	}
	for _, d := range tree.Departments {
		if d.Name == name {
			return d.ID
		}
	}
	t.Fatalf("no department %q", name)
	return 0
}

func noticeEvent(id int64, event string) func(protocol.Frame) bool {
	return func(f protocol.Frame) bool {
		if f.Type != protocol.TypeNotice {
			return false
		}
		var ev protocol.NoticeEvent
		return json.Unmarshal(f.Data, &ev) == nil && ev.NoticeID == id && ev.Event == event
	}
}

// TestNoticesOverTheWire drives a notice through its life over REST and the socket on the
// embedded default: publish, the frames, pending, confirm, a revision that makes a
// confirmation stale, the tally and its CSV, withdrawal, and the refusals.
func TestNoticesOverTheWire(t *testing.T) {
	base, _ := startServer(t, "--data", t.TempDir())
	leader := loginToken(t, base, "wangjianguo", demo.Password)
	staff := loginToken(t, base, "zhangjing", demo.Password)
	outsider := loginToken(t, base, "zhouhaiyan", demo.Password) // 办公室, not in 预算股
	budget := departmentID(t, base, leader, "预算股")
	budgetChannel := channelNamed(t, base, staff, "预算股")

	ws := dialWS(t, base, staff)
	ws.Hello()
	author := dialWS(t, base, leader)
	author.Hello()

	deadline := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	var n protocol.Notice
	code, _ := call(t, "POST", base+"/api/v1/notices", leader, protocol.PublishNoticeRequest{
		Title: "关于报送2027年部门预算草案的通知", Body: "请于本周五17:00前报送预算股。",
		Priority: protocol.NoticeUrgent, Deadline: &deadline,
		Audience: protocol.Audience{Departments: []protocol.DepartmentTarget{{ID: budget, Sub: true}}},
	}, &n)
	if code != 201 || n.ID == 0 || n.Revision != 1 || !n.CanManage || !n.CanTally || n.Recipients == 0 {
		t.Fatalf("publish: %d %+v", code, n)
	}
	if !containsID(n.Channels, budgetChannel.ID) {
		t.Fatalf("not pinned in the 预算股 channel %d: %v", budgetChannel.ID, n.Channels)
	}
	ws.Until("published frame", noticeEvent(n.ID, protocol.NoticeEventPublished))

	var pending protocol.Notices
	call(t, "GET", base+"/api/v1/notices?box=pending", staff, nil, &pending)
	if len(pending.Notices) != 1 || !pending.Notices[0].Pending || pending.Notices[0].Receipt == nil {
		t.Fatalf("pending: %+v", pending)
	}
	var board protocol.Notices
	call(t, "GET", fmt.Sprintf("%s/api/v1/notices?channel=%d", base, budgetChannel.ID), staff, nil, &board)
	if len(board.Notices) != 1 {
		t.Fatalf("channel board: %+v", board)
	}

	// Seen, then confirmed: the author hears of both (the live tally).
	noticeURL := fmt.Sprintf("%s/api/v1/notices/%d", base, n.ID)
	var rc protocol.NoticeReceipt
	if code, _ := call(t, "POST", noticeURL+"/seen", staff, protocol.NoticeReadRequest{Revision: 1}, &rc); code != 200 || rc.SeenAt == nil {
		t.Fatalf("seen: %d %+v", code, rc)
	}
	if code, _ := call(t, "POST", noticeURL+"/confirm", staff, protocol.NoticeReadRequest{Revision: 1, Reply: "收到，按时报送"}, &rc); code != 200 || rc.ConfirmedRevision != 1 {
		t.Fatalf("confirm: %d %+v", code, rc)
	}
	author.Until("receipt frame", noticeEvent(n.ID, protocol.NoticeEventReceipt))
	var tally protocol.NoticeTally
	call(t, "GET", noticeURL+"/tally", leader, nil, &tally)
	if tally.Confirmed != 1 || tally.Total != n.Recipients || tally.Confirmed+tally.Seen+tally.Unseen != tally.Total {
		t.Fatalf("tally: %+v", tally)
	}

	// A revision: the confirmation is of the old revision now; confirming it is stale.
	var revised protocol.Notice
	code, _ = call(t, "POST", noticeURL+"/revisions", leader, protocol.ReviseNoticeRequest{
		Title: n.Title, Body: "请于本周四17:00前报送预算股（时间提前一天）。", ChangeNote: "截止时间提前到周四",
	}, &revised)
	if code != 200 || revised.Revision != 2 {
		t.Fatalf("revise: %d %+v", code, revised)
	}
	ws.Until("revised frame", noticeEvent(n.ID, protocol.NoticeEventRevised))
	if code, c := call(t, "POST", noticeURL+"/confirm", staff, protocol.NoticeReadRequest{Revision: 1}, nil); code != 409 || c != protocol.CodeStaleRevision {
		t.Fatalf("stale confirm: %d %s", code, c)
	}
	var again protocol.Notice
	call(t, "GET", noticeURL, staff, nil, &again)
	if !again.Pending || again.Receipt.ConfirmedRevision != 1 || again.ChangeNote != "截止时间提前到周四" {
		t.Fatalf("after revision: %+v", again)
	}

	// The CSV opens in Excel: a BOM and a Chinese header.
	req, _ := http.NewRequest("GET", noticeURL+"/tally.csv", nil)
	req.Header.Set("Authorization", "Bearer "+leader)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	csv, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!bytes.HasPrefix(csv, []byte("\xef\xbb\xbf部门,姓名,用户名,状态")) || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("csv: %d %q %q", resp.StatusCode, resp.Header, csv[:min(len(csv), 80)])
	}

	// Refusals: precise, and nothing leaks to those outside the audience.
	refusals := []struct {
		name   string
		method string
		url    string
		token  string
		body   any
		status int
		code   protocol.Code
	}{
		{"staff may not publish", "POST", base + "/api/v1/notices", staff, protocol.PublishNoticeRequest{Title: "t", Body: "b", Audience: protocol.Audience{Users: []int64{1}}}, 403, protocol.CodeForbidden},
		{"an outsider cannot read it", "GET", noticeURL, outsider, nil, 404, protocol.CodeNotFound},
		{"nor its tally", "GET", noticeURL + "/tally", outsider, nil, 404, protocol.CodeNotFound},
		{"nor its revisions", "GET", noticeURL + "/revisions", outsider, nil, 404, protocol.CodeNotFound},
		{"nor confirm it", "POST", noticeURL + "/confirm", outsider, protocol.NoticeReadRequest{Revision: 2}, 404, protocol.CodeNotFound},
		{"a recipient cannot see the tally", "GET", noticeURL + "/tally", staff, nil, 403, protocol.CodeForbidden},
		{"a recipient cannot revise", "POST", noticeURL + "/revisions", staff, protocol.ReviseNoticeRequest{Title: "x", Body: "y", ChangeNote: "z"}, 403, protocol.CodeForbidden},
		{"malformed body", "POST", base + "/api/v1/notices", leader, `{"title":`, 400, protocol.CodeBadRequest},
		{"unknown field", "POST", base + "/api/v1/notices", leader, `{"title":"t","body":"b","audience":{"users":[1]},"pin":true}`, 400, protocol.CodeBadRequest},
		{"empty title", "POST", base + "/api/v1/notices", leader, protocol.PublishNoticeRequest{Title: "  ", Body: "b", Audience: protocol.Audience{Departments: []protocol.DepartmentTarget{{ID: budget}}}}, 400, protocol.CodeBadRequest},
		{"nobody in the audience", "POST", base + "/api/v1/notices", leader, protocol.PublishNoticeRequest{Title: "t", Body: "b"}, 400, protocol.CodeBadRequest},
		{"an unknown department", "POST", base + "/api/v1/notices", leader, protocol.PublishNoticeRequest{Title: "t", Body: "b", Audience: protocol.Audience{Departments: []protocol.DepartmentTarget{{ID: 99999}}}}, 400, protocol.CodeBadRequest},
		{"a bad box", "GET", base + "/api/v1/notices?box=everything", staff, nil, 400, protocol.CodeBadRequest},
		{"a bad tally state", "GET", noticeURL + "/tally?state=maybe", leader, nil, 400, protocol.CodeBadRequest},
		{"a notice that is not there", "GET", base + "/api/v1/notices/99999", staff, nil, 404, protocol.CodeNotFound},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			if code, c := call(t, r.method, r.url, r.token, r.body, nil); code != r.status || c != r.code {
				t.Errorf("got %d %s, want %d %s", code, c, r.status, r.code)
			}
		})
	}
	// Besides the author, the security officer may look at the tally.
	security := loginToken(t, base, "zhaomin", demo.Password)
	if code, _ := call(t, "GET", noticeURL+"/tally", security, nil, &tally); code != 200 {
		t.Errorf("security officer tally: %d", code)
	}

	// Withdrawn: recipients are told, and it takes no more confirmations.
	var w protocol.Notice
	if code, _ := call(t, "POST", noticeURL+"/withdraw", leader, protocol.WithdrawNoticeRequest{Reason: "内容有误，另行通知"}, &w); code != 200 || w.Status != protocol.NoticeWithdrawn {
		t.Fatalf("withdraw: %d %+v", code, w)
	}
	ws.Until("withdrawn frame", noticeEvent(n.ID, protocol.NoticeEventWithdrawn))
	if code, c := call(t, "POST", noticeURL+"/confirm", staff, protocol.NoticeReadRequest{Revision: 2}, nil); code != 409 || c != protocol.CodeNoticeWithdrawn {
		t.Fatalf("confirm after withdrawal: %d %s", code, c)
	}
	call(t, "GET", base+"/api/v1/notices?box=pending", staff, nil, &pending)
	if len(pending.Notices) != 0 {
		t.Fatalf("still pending after withdrawal: %+v", pending.Notices)
	}
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
