package httpapi_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"govchat/internal/audit"
	"govchat/internal/demo"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// Only the security officer changes levels and ceilings; the administrator, the
// auditor, a leader and staff are refused, and each refusal is in the trail.
func TestSecrecyPermissions(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		ladder := protocol.PutSecrecyLevelsRequest{Levels: protocol.DefaultSecrecyLevels()}
		budget := h.userChannel("zhangjing", "预算股")
		calls := []struct {
			name, method, path string
			body               any
		}{
			{"change the ladder", "PUT", "/api/v1/secrecy/levels", ladder},
			{"list the channels' ceilings", "GET", "/api/v1/secrecy/channels", nil},
			{"set a channel's ceiling", "PUT", "/api/v1/secrecy/channels/" + strconv.FormatInt(budget, 10),
				protocol.PutChannelSecrecyRequest{MaxSecrecy: 2, DefaultSecrecy: 1}},
		}
		for _, who := range []string{"zhoutao", "sunli", "heping", "zhangjing"} { // admin, auditor, leader, staff
			tok := h.login(who, demo.Password)
			for _, c := range calls {
				t.Run(who+" may not "+c.name, func(t *testing.T) {
					h := h.as(t)
					h.expect(h.do(c.method, c.path, tok, c.body), http.StatusForbidden, protocol.CodeForbidden)
				})
			}
			t.Run(who+" reads the ladder", func(t *testing.T) {
				h := h.as(t)
				r := h.do("GET", "/api/v1/secrecy", tok, nil)
				h.expect(r, http.StatusOK, "")
				var cfg protocol.SecrecyConfig
				r.decode(t, &cfg)
				if len(cfg.Levels) != 4 || cfg.Levels[3].Name != "秘密" || cfg.Levels[3].Download || cfg.UpdatedAt != nil {
					t.Fatalf("ladder %+v", cfg)
				}
			})
		}
		denied, err := s.ListAudit(t.Context(), store.AuditFilter{Action: audit.AccessDenied})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range denied {
			if strings.Contains(e.Detail, "secrecy.manage") {
				n++
			}
		}
		if n != 12 {
			t.Fatalf("%d refusals of secrecy.manage in the trail, want 12", n)
		}

		officer := h.login("zhaomin", demo.Password)
		for _, c := range calls {
			t.Run("the security officer may "+c.name, func(t *testing.T) {
				h := h.as(t)
				h.expect(h.do(c.method, c.path, officer, c.body), http.StatusOK, "")
			})
		}
	})
}

func TestSecrecyLevelsPut(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		officer := h.login("zhaomin", demo.Password)
		with := func(change func(ls []protocol.SecrecyLevel) []protocol.SecrecyLevel) protocol.PutSecrecyLevelsRequest {
			return protocol.PutSecrecyLevelsRequest{Levels: change(protocol.DefaultSecrecyLevels())}
		}
		cases := []struct {
			name  string
			req   any
			field string
		}{
			{"three levels", with(func(ls []protocol.SecrecyLevel) []protocol.SecrecyLevel { return ls[:3] }), "levels"},
			{"five levels", with(func(ls []protocol.SecrecyLevel) []protocol.SecrecyLevel {
				return append(ls, protocol.SecrecyLevel{Level: 4, Name: "绝密", NameEn: "top", Color: "#000000", RetentionDays: 1})
			}), "levels"},
			{"no levels", map[string]any{"levels": []any{}}, "levels"},
			{"out of order", with(func(ls []protocol.SecrecyLevel) []protocol.SecrecyLevel { ls[1], ls[2] = ls[2], ls[1]; return ls }), "levels[1].level"},
			{"a level that does not exist", with(func(ls []protocol.SecrecyLevel) []protocol.SecrecyLevel { ls[3].Level = 7; return ls }), "levels[3].level"},
			{"zero retention", with(func(ls []protocol.SecrecyLevel) []protocol.SecrecyLevel { ls[3].RetentionDays = 0; return ls }), "levels[3].retention_days"},
			{"negative retention", with(func(ls []protocol.SecrecyLevel) []protocol.SecrecyLevel { ls[2].RetentionDays = -30; return ls }), "levels[2].retention_days"},
			{"retention past a hundred years", with(func(ls []protocol.SecrecyLevel) []protocol.SecrecyLevel { ls[0].RetentionDays = 36501; return ls }), "levels[0].retention_days"},
			{"a colour without #", with(func(ls []protocol.SecrecyLevel) []protocol.SecrecyLevel { ls[1].Color = "2f6fb0"; return ls }), "levels[1].color"},
			{"a named colour", with(func(ls []protocol.SecrecyLevel) []protocol.SecrecyLevel { ls[1].Color = "red"; return ls }), "levels[1].color"},
			{"a short colour", with(func(ls []protocol.SecrecyLevel) []protocol.SecrecyLevel { ls[1].Color = "#fff"; return ls }), "levels[1].color"},
			{"a colour that is not hex", with(func(ls []protocol.SecrecyLevel) []protocol.SecrecyLevel { ls[1].Color = "#ggg000"; return ls }), "levels[1].color"},
			{"an empty name", with(func(ls []protocol.SecrecyLevel) []protocol.SecrecyLevel { ls[0].Name = "  "; return ls }), "levels[0].name"},
			{"a name of nine characters", with(func(ls []protocol.SecrecyLevel) []protocol.SecrecyLevel {
				ls[0].Name = "一二三四五六七八九"
				return ls
			}), "levels[0].name"},
			{"an English name of 25", with(func(ls []protocol.SecrecyLevel) []protocol.SecrecyLevel {
				ls[0].NameEn = strings.Repeat("a", 25)
				return ls
			}), "levels[0].name_en"},
			{"two levels of one name", with(func(ls []protocol.SecrecyLevel) []protocol.SecrecyLevel { ls[2].Name = "内部"; return ls }), "levels[2].name"},
			{"秘密 looser than 敏感 on forwarding", with(func(ls []protocol.SecrecyLevel) []protocol.SecrecyLevel {
				ls[3].Forward = true
				ls[2].Forward = false
				return ls
			}), "levels[3].forward"},
			{"内部 with push text under a 公开 without", with(func(ls []protocol.SecrecyLevel) []protocol.SecrecyLevel {
				ls[0].PushText = false
				ls[1].PushText = true
				return ls
			}), "levels[1].push_text"},
			{"a watermark dropped above", with(func(ls []protocol.SecrecyLevel) []protocol.SecrecyLevel { ls[3].Watermark = false; return ls }), "levels[3].watermark"},
			{"an unknown field", `{"levels":[],"retention":1}`, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				h := h.as(t)
				r := h.do("PUT", "/api/v1/secrecy/levels", officer, c.req)
				h.expect(r, http.StatusBadRequest, protocol.CodeBadRequest)
				if c.field != "" && r.err().Field != c.field {
					t.Fatalf("field %q, want %q (%s)", r.err().Field, c.field, r.body)
				}
			})
		}
		if es, _ := s.ListAudit(t.Context(), store.AuditFilter{Action: audit.SecrecyLevelsChanged}); len(es) != 0 {
			t.Fatalf("refused changes in the trail as made: %+v", es)
		}

		t.Run("a change is stored, answered, audited with before and after", func(t *testing.T) {
			h := h.as(t)
			ls := protocol.DefaultSecrecyLevels()
			ls[3].RetentionDays, ls[3].Color, ls[3].Name = 60, "#AA0000", " 机密 "
			r := h.do("PUT", "/api/v1/secrecy/levels", officer, protocol.PutSecrecyLevelsRequest{Levels: ls})
			h.expect(r, http.StatusOK, "")
			var got protocol.SecrecyConfig
			r.decode(t, &got)
			if got.Levels[3].RetentionDays != 60 || got.Levels[3].Color != "#aa0000" || got.Levels[3].Name != "机密" ||
				got.UpdatedAt == nil || got.UpdatedBy != h.userID("zhaomin") {
				t.Fatalf("answer %+v", got)
			}
			staff := h.login("zhangjing", demo.Password)
			r = h.do("GET", "/api/v1/secrecy", staff, nil)
			var read protocol.SecrecyConfig
			r.decode(t, &read)
			if read.Levels[3].RetentionDays != 60 || read.Levels[0] != protocol.DefaultSecrecyLevels()[0] {
				t.Fatalf("read back %+v", read)
			}
			es, err := s.ListAudit(t.Context(), store.AuditFilter{Action: audit.SecrecyLevelsChanged})
			if err != nil || len(es) != 1 {
				t.Fatalf("audit %+v %v", es, err)
			}
			d := detailOf(t, es[0])
			changes := d["changes"].([]any)
			if len(changes) != 1 || es[0].ActorID != h.userID("zhaomin") ||
				!strings.Contains(es[0].Detail, `"retention_days":30`) || !strings.Contains(es[0].Detail, `"retention_days":60`) {
				t.Fatalf("detail %s", es[0].Detail)
			}
		})
	})
}

func TestChannelSecrecyPut(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		officer := h.login("zhaomin", demo.Password)
		staff := h.login("zhangjing", demo.Password)
		budget := h.userChannel("zhangjing", "预算股")
		path := "/api/v1/secrecy/channels/" + strconv.FormatInt(budget, 10)
		for _, c := range []struct {
			name  string
			req   protocol.PutChannelSecrecyRequest
			field string
		}{
			{"a ceiling above 秘密", protocol.PutChannelSecrecyRequest{MaxSecrecy: 4}, "max_secrecy"},
			{"a negative ceiling", protocol.PutChannelSecrecyRequest{MaxSecrecy: -1}, "max_secrecy"},
			{"a usual level above the ceiling", protocol.PutChannelSecrecyRequest{MaxSecrecy: 1, DefaultSecrecy: 2}, "default_secrecy"},
			{"a negative usual level", protocol.PutChannelSecrecyRequest{MaxSecrecy: 1, DefaultSecrecy: -1}, "default_secrecy"},
		} {
			t.Run(c.name, func(t *testing.T) {
				h := h.as(t)
				r := h.do("PUT", path, officer, c.req)
				h.expect(r, http.StatusBadRequest, protocol.CodeBadRequest)
				if r.err().Field != c.field {
					t.Fatalf("field %q", r.err().Field)
				}
			})
		}
		h.expect(h.do("PUT", "/api/v1/secrecy/channels/999999", officer, protocol.PutChannelSecrecyRequest{MaxSecrecy: 1}),
			http.StatusNotFound, protocol.CodeNotFound)

		r := h.do("PUT", path, officer, protocol.PutChannelSecrecyRequest{MaxSecrecy: 3, DefaultSecrecy: 2})
		h.expect(r, http.StatusOK, "")
		if c := h.myChannels(staff)["预算股"]; c.MaxSecrecy != 3 || c.DefaultSecrecy != 2 {
			t.Fatalf("the member's channel %+v", c)
		}
		var list protocol.ChannelSecrecyList
		r = h.do("GET", "/api/v1/secrecy/channels", officer, nil)
		h.expect(r, http.StatusOK, "")
		r.decode(t, &list)
		found := false
		for _, c := range list.Channels {
			if c.ChannelID == budget {
				found = c.Name == "预算股" && c.MaxSecrecy == 3 && c.DefaultSecrecy == 2 && c.Members > 0 && c.Kind == "department"
			}
		}
		if !found {
			t.Fatalf("list %+v", list)
		}
		es, err := s.ListAudit(t.Context(), store.AuditFilter{Action: audit.SecrecyChannelChanged})
		if err != nil || len(es) != 1 || es[0].TargetID != strconv.FormatInt(budget, 10) ||
			!strings.Contains(es[0].Detail, `"before":{"default_secrecy":0,"max_secrecy":1}`) {
			t.Fatalf("audit %+v %v", es, err)
		}
		// Sending at 秘密 now works; the PATCH a channel administrator makes leaves it.
		if got, _ := s.GetChannel(t.Context(), budget); got.MaxSecrecy != 3 {
			t.Fatalf("stored %+v", got)
		}
	})
}

// userChannel is the id of the channel named name among username's channels.
func (h *harness) userChannel(username, name string) int64 {
	h.t.Helper()
	tok := h.login(username, demo.Password)
	c, ok := h.myChannels(tok)[name]
	if !ok {
		h.t.Fatalf("%s is not in %s", username, name)
	}
	return c.ID
}

// A file's original may be saved only where the highest level carrying it allows
// download; viewing is always allowed to its readers. The trail records each purpose.
func TestDownloadPurpose(t *testing.T) {
	forEachBackendSQL(t, func(t *testing.T, s store.Store, exec execFunc) {
		e := newFilesEnv(t, s, exec, filesOpt{})
		w := newWorld(e.harness, nil, "")
		officer := e.login("zhaomin", demo.Password)
		staff := e.login("zhangjing", demo.Password)
		w.putKey(staff)
		zj := e.userID("zhangjing")
		section := e.myChannels(staff)["预算编制组"]
		e.expect(e.do("PUT", "/api/v1/secrecy/channels/"+strconv.FormatInt(section.ID, 10), officer,
			protocol.PutChannelSecrecyRequest{MaxSecrecy: 3, DefaultSecrecy: 1}), http.StatusOK, "")
		ws, _, err := e.dialWS(staff, "", false)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		ws.Hello()
		send := func(clientID string, level int) string {
			t.Helper()
			id := e.upload(staff, ciphertext(t, 2000)).ID
			e.expect(w.postKeys(staff, id, channelContext(section.ID), w.wrapFor(zj)), http.StatusNoContent, "")
			ref := protocol.AttachmentRef{BlobID: id, Commitment: commitment()}
			if f := sendFile(t, ws, protocol.SendData{ChannelID: section.ID, ClientID: clientID, Attachment: &ref, Secrecy: level}); f.Type != protocol.TypeAck {
				t.Fatalf("send %s: %s", clientID, f.Data)
			}
			return id
		}
		secret, internal := send("secret", 3), send("internal", 1)
		unsent := e.upload(staff, ciphertext(t, 1000)).ID
		get := func(id, purpose string) response {
			q := ""
			if purpose != "" {
				q = "?purpose=" + purpose
			}
			return e.do("GET", "/api/v1/files/"+id+q, staff, nil)
		}
		for _, c := range []struct {
			name, id, purpose string
			status            int
			code              protocol.Code
		}{
			{"秘密: view", secret, "view", http.StatusOK, ""},
			{"秘密: no purpose is view", secret, "", http.StatusOK, ""},
			{"秘密: save refused", secret, "save", http.StatusForbidden, protocol.CodeDownloadNotAllowed},
			{"内部: save", internal, "save", http.StatusOK, ""},
			{"an upload not sent: save", unsent, "save", http.StatusOK, ""},
			{"an unknown purpose", internal, "print", http.StatusBadRequest, protocol.CodeBadRequest},
		} {
			t.Run(c.name, func(t *testing.T) {
				e := e.as(t)
				e.expect(get(c.id, c.purpose), c.status, c.code)
			})
		}
		purposes := map[string][]string{}
		for _, ev := range w.audits(audit.FileDownload) {
			d := detailOf(t, ev)
			purposes[ev.TargetID] = append(purposes[ev.TargetID], ev.Outcome+":"+d["purpose"].(string))
		}
		// Newest first; the second view within a minute is not recorded again.
		if got := strings.Join(purposes[secret], ","); got != "denied:save,ok:view" {
			t.Errorf("秘密 file's trail %s", got)
		}
		if got := strings.Join(purposes[internal], ","); got != "ok:save" {
			t.Errorf("内部 file's trail %s", got)
		}

		t.Run("the rule is the configured ladder's", func(t *testing.T) {
			e := e.as(t)
			ls := protocol.DefaultSecrecyLevels()
			ls[1].Download, ls[2].Download = false, false // no saving from 内部 up
			e.expect(e.do("PUT", "/api/v1/secrecy/levels", officer, protocol.PutSecrecyLevelsRequest{Levels: ls}), http.StatusOK, "")
			e.expect(get(internal, "save"), http.StatusForbidden, protocol.CodeDownloadNotAllowed)
		})
	})
}
