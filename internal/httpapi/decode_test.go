package httpapi

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"govchat/internal/apperr"
	"govchat/internal/strictjson/strictjsontest"
	"govchat/protocol"
)

// FuzzDecodeBody: the REST body decoder never panics, refuses only with bad_request or
// too_large, and any body it accepts holds only the client's own valid UTF-8 text — no
// byte it could not read turned into U+FFFD.
func FuzzDecodeBody(f *testing.F) {
	for _, seed := range []string{
		`{"title":"关于报送预算的通知","body":"请于周五前报送。","deadline":"2026-12-04T17:00:00+08:00","audience":{"departments":[{"id":3,"sub":true}]}}`,
		`{"title":"\ud83d\ude00","body":"\ufffd"}`,
		"{\"title\":\"\xe9\x80\"}",
		`{"title":"\ud800"}`,
		`{"deadline":"明天"}`,
		`{"audience":{"users":["x"]}}`,
		`{"title":"a"} {}`,
		`{"Title":"case"}`,
		``, `null`, `[]`, `{`, `"s"`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := httptest.NewRequest("POST", "/api/v1/notices", bytes.NewReader(b))
		r.Header.Set("Content-Type", "application/json")
		v, err := bodyOf[protocol.PublishNoticeRequest](httptest.NewRecorder(), r)
		if err != nil {
			if e := apperr.From(err); (e.Code != protocol.CodeBadRequest && e.Code != protocol.CodeTooLarge) || e.Message == "" {
				t.Fatalf("refused with %+v", e)
			}
			return
		}
		strictjsontest.Unaltered(t, b, v)
	})
}
