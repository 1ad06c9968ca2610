package httpapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"govchat/internal/audit"
	"govchat/internal/demo"
	"govchat/internal/holds"
	"govchat/internal/httpapi"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

func newHoldsHarness(t *testing.T, s store.Store) *harness {
	return newHarnessWith(t, s, func(d *httpapi.Deps) {
		d.Holds = holds.New(store.Narrow(s, func(tx store.Store) holds.Tx { return tx }), d.Audit, d.Now)
	})
}

// auditCount counts entries of action with outcome.
func auditCount(t *testing.T, s store.Store, action, outcome string) int {
	t.Helper()
	es, err := s.ListAudit(t.Context(), store.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		if e.Outcome == outcome {
			n++
		}
	}
	return n
}

func TestLegalHolds(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHoldsHarness(t, s)
		officer := h.login("zhaomin", demo.Password)
		auditor := h.login("sunli", demo.Password)
		admin := h.login("zhoutao", demo.Password)
		staff := h.login("zhangjing", demo.Password)
		target := h.userID("zhangjing")
		from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		to := from.Add(90 * 24 * time.Hour)
		place := protocol.CreateHoldRequest{Scope: protocol.HoldUser, TargetID: target, From: &from, To: &to,
			Reason: "涉嫌泄露预算资料", CaseNo: "(2026)财保字第7号"}

		t.Run("staff and the administrator may neither place nor see holds", func(t *testing.T) {
			h := h.as(t)
			for _, tok := range []string{staff, admin} {
				h.expect(h.do("POST", "/api/v1/holds", tok, place), http.StatusForbidden, protocol.CodeForbidden)
				h.expect(h.do("GET", "/api/v1/holds", tok, nil), http.StatusForbidden, protocol.CodeForbidden)
			}
			h.expect(h.do("POST", "/api/v1/holds", auditor, place), http.StatusForbidden, protocol.CodeForbidden)
			if n := auditCount(t, s, audit.AccessDenied, audit.Denied); n < 5 {
				t.Errorf("%d auth.denied entries, want the 5 refusals", n)
			}
		})

		t.Run("bad input is refused with the field", func(t *testing.T) {
			h := h.as(t)
			bad := func(mut func(*protocol.CreateHoldRequest), field string) {
				t.Helper()
				req := place
				mut(&req)
				r := h.do("POST", "/api/v1/holds", officer, req)
				h.expect(r, http.StatusBadRequest, protocol.CodeBadRequest)
				if r.err().Field != field {
					t.Errorf("field %q, want %q", r.err().Field, field)
				}
			}
			bad(func(r *protocol.CreateHoldRequest) { r.Scope = "department" }, "scope")
			bad(func(r *protocol.CreateHoldRequest) { r.TargetID = 999_999 }, "target_id")
			bad(func(r *protocol.CreateHoldRequest) { r.Scope = protocol.HoldNotice }, "target_id")
			bad(func(r *protocol.CreateHoldRequest) { r.Reason = "  " }, "reason")
			bad(func(r *protocol.CreateHoldRequest) { r.CaseNo = "" }, "case_no")
			bad(func(r *protocol.CreateHoldRequest) { r.CaseNo = strings.Repeat("号", holds.MaxCaseNo+1) }, "case_no")
			bad(func(r *protocol.CreateHoldRequest) { r.Reason = strings.Repeat("因", holds.MaxReason+1) }, "reason")
			bad(func(r *protocol.CreateHoldRequest) { r.From, r.To = &to, &from }, "to")
		})

		var placed protocol.LegalHold
		t.Run("the security officer places a hold, audited", func(t *testing.T) {
			h := h.as(t)
			r := h.do("POST", "/api/v1/holds", officer, place)
			h.expect(r, http.StatusCreated, "")
			r.decode(t, &placed)
			if placed.Status != protocol.HoldActive || placed.TargetName == "" || placed.CreatedByName != "赵敏" || placed.CaseNo != place.CaseNo {
				t.Fatalf("placed = %+v", placed)
			}
			if auditCount(t, s, audit.HoldPlaced, audit.OK) != 1 {
				t.Error("hold.placed not audited")
			}
		})

		t.Run("listed and searchable by case number, reason and target name", func(t *testing.T) {
			h := h.as(t)
			other := protocol.CreateHoldRequest{Scope: protocol.HoldChannel, TargetID: 1, Reason: "另案", CaseNo: "B-2"}
			h.expect(h.do("POST", "/api/v1/holds", officer, other), http.StatusCreated, "")
			for _, tc := range []struct {
				q    string
				want int
			}{{"", 2}, {"财保字", 1}, {"泄露", 1}, {"zhangjing", 1}, {"b-2", 1}, {"无此案", 0}, {"%", 0}} {
				var l protocol.HoldList
				r := h.do("GET", "/api/v1/holds?q="+url.QueryEscape(tc.q), auditor, nil)
				h.expect(r, http.StatusOK, "")
				r.decode(t, &l)
				if len(l.Holds) != tc.want {
					t.Errorf("q=%q: %d holds, want %d", tc.q, len(l.Holds), tc.want)
				}
			}
			h.expect(h.do("GET", "/api/v1/holds?status=gone", officer, nil), http.StatusBadRequest, protocol.CodeBadRequest)
		})

		t.Run("releasing needs two people", func(t *testing.T) {
			h := h.as(t)
			path := fmt.Sprintf("/api/v1/holds/%d/", placed.ID)
			note := protocol.HoldReleaseRequest{Note: "案件已办结"}
			h.expect(h.do("POST", path+"countersign", auditor, note), http.StatusConflict, protocol.CodeConflict) // nothing asked yet
			h.expect(h.do("POST", path+"release", auditor, note), http.StatusForbidden, protocol.CodeForbidden)
			h.expect(h.do("POST", path+"release", admin, note), http.StatusForbidden, protocol.CodeForbidden)
			h.expect(h.do("POST", path+"release", officer, protocol.HoldReleaseRequest{}), http.StatusBadRequest, protocol.CodeBadRequest)
			var got protocol.LegalHold
			r := h.do("POST", path+"release", officer, note)
			h.expect(r, http.StatusOK, "")
			r.decode(t, &got)
			if got.Status != protocol.HoldReleaseRequested || got.ReleaseRequestedName != "赵敏" {
				t.Fatalf("after release request: %+v", got)
			}
			h.expect(h.do("POST", path+"countersign", officer, note), http.StatusForbidden, protocol.CodeTwoPersonRule)
			if auditCount(t, s, audit.HoldReleased, audit.Denied) != 1 {
				t.Error("the two-person refusal was not audited")
			}
			h.expect(h.do("POST", path+"countersign", admin, note), http.StatusForbidden, protocol.CodeForbidden)
			h.expect(h.do("POST", path+"countersign", staff, note), http.StatusForbidden, protocol.CodeForbidden)
			// Asking can be withdrawn and asked again.
			h.expect(h.do("POST", path+"cancel-release", officer, nil), http.StatusOK, "")
			h.expect(h.do("POST", path+"release", officer, note), http.StatusOK, "")
			r = h.do("POST", path+"countersign", auditor, protocol.HoldReleaseRequest{Note: "同意解除"})
			h.expect(r, http.StatusOK, "")
			r.decode(t, &got)
			if got.Status != protocol.HoldReleased || got.ReleasedByName != "孙丽" || got.ReleasedAt == nil || got.CountersignNote != "同意解除" {
				t.Fatalf("after countersign: %+v", got)
			}
			h.expect(h.do("POST", path+"release", officer, note), http.StatusConflict, protocol.CodeConflict)
			h.expect(h.do("POST", "/api/v1/holds/999999/release", officer, note), http.StatusNotFound, protocol.CodeNotFound)
			for _, a := range []string{audit.HoldReleaseRequested, audit.HoldReleased, audit.HoldReleaseCanceled} {
				if auditCount(t, s, a, audit.OK) == 0 {
					t.Errorf("%s not audited", a)
				}
			}
			var l protocol.HoldList
			r = h.do("GET", "/api/v1/holds?status=released", officer, nil)
			r.decode(t, &l)
			if len(l.Holds) != 1 || l.Holds[0].ID != placed.ID {
				t.Errorf("released holds = %+v", l.Holds)
			}
		})
	})
}
