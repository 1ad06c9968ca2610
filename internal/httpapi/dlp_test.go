package httpapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"govchat/internal/audit"
	"govchat/internal/demo"
	"govchat/internal/dlp"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/internal/wstest"
	"govchat/protocol"
)

// testIDNumber is a fictitious resident ID number with a valid check digit and date.
const testIDNumber = "110105194912310003"

func dlpAudits(t *testing.T, s store.Store, action string) []store.AuditEvent {
	t.Helper()
	evs, err := s.ListAudit(t.Context(), store.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// officerRules are the defaults plus a keyword rule that blocks at every level.
func officerRules() protocol.DLPRules {
	rules := protocol.DefaultDLPRules()
	rules = append(rules, protocol.DLPRule{ID: "kw_falcon", Kind: protocol.DLPKeyword, Name: "项目代号",
		Keywords: []string{"猎鹰计划"}, Actions: []protocol.DLPAction{"block", "block", "block", "block"}})
	return protocol.DLPRules{Rules: rules}
}

// Every session reads the rules; only the security officer changes them, and each
// refusal of dlp.manage is in the trail.
func TestDLPRulesPermissions(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		for _, who := range []string{"zhoutao", "sunli", "heping", "zhangjing"} { // admin, auditor, leader, staff
			tok := h.login(who, demo.Password)
			t.Run(who+" may not change the rules", func(t *testing.T) {
				h := h.as(t)
				h.expect(h.do("PUT", "/api/v1/dlp/rules", tok, officerRules()), http.StatusForbidden, protocol.CodeForbidden)
			})
			t.Run(who+" reads the rules", func(t *testing.T) {
				h := h.as(t)
				r := h.do("GET", "/api/v1/dlp/rules", tok, nil)
				h.expect(r, http.StatusOK, "")
				var got protocol.DLPRules
				r.decode(t, &got)
				if len(got.Rules) != 4 || got.Rules[0].ID != protocol.DLPIDCard || got.UpdatedAt != nil {
					t.Fatalf("rules %+v", got)
				}
			})
		}
		n := 0
		for _, e := range dlpAudits(t, s, audit.AccessDenied) {
			if strings.Contains(e.Detail, "dlp.manage") {
				n++
			}
		}
		if n != 4 {
			t.Fatalf("%d refusals of dlp.manage in the trail, want 4", n)
		}

		officer := h.login("zhaomin", demo.Password)
		r := h.do("PUT", "/api/v1/dlp/rules", officer, officerRules())
		h.expect(r, http.StatusOK, "")
		var got protocol.DLPRules
		r.decode(t, &got)
		if len(got.Rules) != 5 || got.UpdatedAt == nil || got.UpdatedBy != h.userID("zhaomin") {
			t.Fatalf("after PUT: %+v", got)
		}
		// Staff read the new rules at once (the cache was dropped).
		r = h.do("GET", "/api/v1/dlp/rules", h.login("zhangjing", demo.Password), nil)
		r.decode(t, &got)
		if len(got.Rules) != 5 || got.Rules[4].Keywords[0] != "猎鹰计划" {
			t.Fatalf("staff read %+v", got)
		}
		changes := dlpAudits(t, s, audit.DLPRulesChanged)
		if len(changes) != 1 || strings.Contains(changes[0].Detail, "猎鹰") || !strings.Contains(changes[0].Detail, `"kw_falcon"`) {
			t.Fatalf("dlp.rules_changed: %+v", changes)
		}
	})
}

// Bad rules are refused whole, naming the rule and the reason; nothing is stored.
func TestDLPRulesRefused(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		officer := h.login("zhaomin", demo.Password)
		with := func(r protocol.DLPRule) protocol.DLPRules {
			r.Name = "规则"
			r.Actions = []protocol.DLPAction{"warn", "warn", "warn", "warn"}
			return protocol.DLPRules{Rules: append(protocol.DefaultDLPRules(), r)}
		}
		for _, c := range []struct {
			name   string
			body   any
			field  string
			reason string
		}{
			{"a runaway pattern", with(protocol.DLPRule{ID: "r1", Kind: protocol.DLPRegex, Pattern: `(\d+)+$`}), "rules[4].pattern", dlp.ReasonNestedQuantifier},
			{"alternatives repeated", with(protocol.DLPRule{ID: "r1", Kind: protocol.DLPRegex, Pattern: `(a|aa)+b`}), "rules[4].pattern", dlp.ReasonNestedQuantifier},
			{"lookahead", with(protocol.DLPRule{ID: "r1", Kind: protocol.DLPRegex, Pattern: `HT(?=\d)`}), "rules[4].pattern", dlp.ReasonLookaround},
			{"a backreference", with(protocol.DLPRule{ID: "r1", Kind: protocol.DLPRegex, Pattern: `(\d)\1`}), "rules[4].pattern", dlp.ReasonBackreference},
			{"does not compile", with(protocol.DLPRule{ID: "r1", Kind: protocol.DLPRegex, Pattern: `HT-(\d`}), "rules[4].pattern", dlp.ReasonNoCompile},
			{"a long keyword", with(protocol.DLPRule{ID: "k1", Kind: protocol.DLPKeyword, Keywords: []string{strings.Repeat("密", 65)}}), "rules[4].keywords[0]", ""},
			{"a built-in left out", protocol.DLPRules{Rules: protocol.DefaultDLPRules()[:3]}, "rules", ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				h := h.as(t)
				r := h.do("PUT", "/api/v1/dlp/rules", officer, c.body)
				h.expect(r, http.StatusBadRequest, protocol.CodeBadRequest)
				if e := r.err(); e.Field != c.field || e.Reason != c.reason {
					t.Fatalf("field %q reason %q (%s), want %q %q", e.Field, e.Reason, e.Message, c.field, c.reason)
				}
			})
		}
		if got := dlpAudits(t, s, audit.DLPRulesChanged); len(got) != 0 {
			t.Fatalf("a refused change is in the trail: %+v", got)
		}
	})
}

// sendText sends a text message and returns the answer frame.
func sendText(t *testing.T, ws *wstest.Conn, d protocol.SendData) protocol.Frame {
	t.Helper()
	ref := ws.Send(protocol.TypeSend, d)
	return ws.Until("the answer to "+ref, wstest.WithRef(ref))
}

// A message's text is checked at its level: blocked (recorded), warned (sent only with
// dlp_ack, then recorded), alerted (sent, recorded for the officer); edits the same.
// The trail holds rule ids and counts, never the text.
func TestDLPSendAndEdit(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		officer := h.login("zhaomin", demo.Password)
		h.expect(h.do("PUT", "/api/v1/dlp/rules", officer, officerRules()), http.StatusOK, "")
		staff := h.login("zhangjing", demo.Password)
		section := h.userChannel("zhangjing", "预算编制组")
		h.expect(h.do("PUT", "/api/v1/secrecy/channels/"+strconv.FormatInt(section, 10), officer,
			protocol.PutChannelSecrecyRequest{MaxSecrecy: 3, DefaultSecrecy: 0}), http.StatusOK, "")
		ws, _, err := h.dialWS(staff, "", false)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		ws.Hello()

		idText := "请核对身份证号" + testIDNumber + "。"
		markText := "附件标注秘密★1年,请勿外传"

		e := frameError(t, sendText(t, ws, protocol.SendData{ChannelID: section, ClientID: "m1", Text: markText}))
		if e.Code != protocol.CodeDLPBlocked || e.Field != "text" || !slices.Equal(e.Rules, []string{"secret_mark"}) {
			t.Fatalf("marking at level 0: %+v", e)
		}
		e = frameError(t, sendText(t, ws, protocol.SendData{ChannelID: section, ClientID: "m2", Text: "猎鹰计划 " + markText, DLPAck: true}))
		if e.Code != protocol.CodeDLPBlocked || !slices.Equal(e.Rules, []string{"secret_mark", "kw_falcon"}) {
			t.Fatalf("a block is not acknowledged away: %+v", e)
		}
		e = frameError(t, sendText(t, ws, protocol.SendData{ChannelID: section, ClientID: "m3", Text: idText}))
		if e.Code != protocol.CodeDLPWarning || !slices.Equal(e.Rules, []string{"id_card"}) {
			t.Fatalf("ID at level 0: %+v", e)
		}
		if f := sendText(t, ws, protocol.SendData{ChannelID: section, ClientID: "m3", Text: idText, DLPAck: true}); f.Type != protocol.TypeAck {
			t.Fatalf("ID at level 0 with dlp_ack: %s %s", f.Type, f.Data)
		}
		f := sendText(t, ws, protocol.SendData{ChannelID: section, ClientID: "m4", Text: idText, Secrecy: 2})
		if f.Type != protocol.TypeAck {
			t.Fatalf("ID at level 2 (alert): %s %s", f.Type, f.Data)
		}
		var ack protocol.AckData
		_ = json.Unmarshal(f.Data, &ack)
		if f := sendText(t, ws, protocol.SendData{ChannelID: section, ClientID: "m5", Text: "明天开会"}); f.Type != protocol.TypeAck {
			t.Fatalf("plain text: %s", f.Data)
		}
		// Editing the level-2 message into a marking is blocked there too (block at
		// level 2), and a warning on edit takes dlp_ack as a send does.
		ref := ws.Send(protocol.TypeEdit, protocol.EditData{ChannelID: section, Seq: ack.Seq, Text: markText})
		if e := frameError(t, ws.Until("the edit's answer", wstest.WithRef(ref))); e.Code != protocol.CodeDLPBlocked || !slices.Equal(e.Rules, []string{"secret_mark"}) {
			t.Fatalf("edit: %+v", e)
		}

		hits := dlpAudits(t, s, audit.DLPHit)
		type seen struct{ outcome, action, taken, rules string }
		var got []seen
		for _, ev := range hits {
			d := detailOf(t, ev)
			var ids []string
			for _, r := range d["rules"].([]any) {
				m := r.(map[string]any)
				ids = append(ids, m["id"].(string)+"×"+strconv.Itoa(int(m["count"].(float64))))
			}
			if ev.TargetType != "channel" || ev.TargetID != strconv.FormatInt(section, 10) || d["context"] != "channel:"+strconv.FormatInt(section, 10) ||
				d["kind"] != protocol.DLPKindMessageText || ev.ActorName != "zhangjing" {
				t.Fatalf("hit %+v", ev)
			}
			got = append(got, seen{ev.Outcome, d["action"].(string), d["action_taken"].(string), strings.Join(ids, ",")})
		}
		want := []seen{
			{audit.Denied, "block", "blocked", "secret_mark×1"},
			{audit.Denied, "block", "blocked", "secret_mark×1,kw_falcon×1"},
			{audit.OK, "warn", "sent_after_warning", "id_card×1"},
			{audit.OK, "alert", "sent", "id_card×1"},
			{audit.Denied, "block", "blocked", "secret_mark×1"},
		}
		// The clock stands still: order is not what the trail promises here.
		cmp := func(a, b seen) int {
			return strings.Compare(a.outcome+a.action+a.taken+a.rules, b.outcome+b.action+b.taken+b.rules)
		}
		slices.SortFunc(got, cmp)
		slices.SortFunc(want, cmp)
		if !slices.Equal(got, want) {
			t.Fatalf("hits in the trail:\n got %v\nwant %v", got, want)
		}
		// Nothing that matched is anywhere in the trail.
		all, err := s.ListAudit(t.Context(), store.AuditFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range all {
			row, _ := json.Marshal(ev)
			for _, secret := range []string{testIDNumber, "秘密★", "猎鹰"} {
				if strings.Contains(string(row), secret) {
					t.Fatalf("the trail holds %q: %s", secret, row)
				}
			}
		}
	})
}

// The browser reports what it found in files; the server checks the report against
// its rules, answers the action, records it, and bounds how often.
func TestDLPHitsReport(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		staff := h.login("zhangjing", demo.Password)
		section := h.userChannel("zhangjing", "预算编制组")
		office := h.userChannel("liufang", "局领导")
		ctx := "channel:" + strconv.FormatInt(section, 10)
		good := protocol.DLPHitsRequest{Context: ctx, Kind: protocol.DLPKindFileName, Level: 0,
			Rules: []protocol.DLPHit{{Rule: "id_card", Count: 1}}, ActionTaken: protocol.DLPTakenWarnSent}
		r := h.do("POST", "/api/v1/dlp/hits", staff, good)
		h.expect(r, http.StatusOK, "")
		var out protocol.DLPHitsResponse
		r.decode(t, &out)
		if out.Action != protocol.DLPWarn {
			t.Fatalf("action %s", out.Action)
		}
		bad := func(change func(*protocol.DLPHitsRequest)) protocol.DLPHitsRequest {
			r := good
			r.Rules = slices.Clone(good.Rules)
			change(&r)
			return r
		}
		for _, c := range []struct {
			name   string
			body   protocol.DLPHitsRequest
			status int
			code   protocol.Code
			field  string
		}{
			{"an unknown rule", bad(func(r *protocol.DLPHitsRequest) { r.Rules[0].Rule = "passport" }), 400, protocol.CodeBadRequest, "rules[0].id"},
			{"a rule twice", bad(func(r *protocol.DLPHitsRequest) { r.Rules = append(r.Rules, r.Rules[0]) }), 400, protocol.CodeBadRequest, "rules[1].id"},
			{"a zero count", bad(func(r *protocol.DLPHitsRequest) { r.Rules[0].Count = 0 }), 400, protocol.CodeBadRequest, "rules[0].count"},
			{"no rules", bad(func(r *protocol.DLPHitsRequest) { r.Rules = nil }), 400, protocol.CodeBadRequest, "rules"},
			{"a bad kind", bad(func(r *protocol.DLPHitsRequest) { r.Kind = "message_text" }), 400, protocol.CodeBadRequest, "kind"},
			{"a bad level", bad(func(r *protocol.DLPHitsRequest) { r.Level = 4 }), 400, protocol.CodeBadRequest, "level"},
			{"a bad outcome", bad(func(r *protocol.DLPHitsRequest) { r.ActionTaken = "ignored" }), 400, protocol.CodeBadRequest, "action_taken"},
			{"a bad context", bad(func(r *protocol.DLPHitsRequest) { r.Context = "channel:01" }), 400, protocol.CodeBadRequest, "context"},
			{"someone else's channel", bad(func(r *protocol.DLPHitsRequest) { r.Context = "channel:" + strconv.FormatInt(office, 10) }), 403, protocol.CodeNotMember, "context"},
		} {
			t.Run(c.name, func(t *testing.T) {
				h := h.as(t)
				r := h.do("POST", "/api/v1/dlp/hits", staff, c.body)
				h.expect(r, c.status, c.code)
				if r.err().Field != c.field {
					t.Fatalf("field %q, want %q", r.err().Field, c.field)
				}
			})
		}
		hits := dlpAudits(t, s, audit.DLPHit)
		if len(hits) != 1 {
			t.Fatalf("%d hits recorded, want 1", len(hits))
		}
		if d := detailOf(t, hits[0]); d["kind"] != "file_name" || d["action"] != "warn" || d["action_taken"] != "sent_after_warning" {
			t.Fatalf("hit %v", d)
		}
		// The burst is spent (the refused ones counted too); the next is refused.
		limited := false
		for i := 0; i < dlp.HitsBurst+1 && !limited; i++ {
			limited = h.do("POST", "/api/v1/dlp/hits", staff, good).status == http.StatusTooManyRequests
		}
		if !limited {
			t.Fatal("no rate limit")
		}
	})
}
