package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"govchat/internal/demo"
	"govchat/internal/wstest"
	"govchat/protocol"
)

// Text that is not valid UTF-8 as sent, and a value of the wrong form, are refused over
// REST and the socket with bad_request naming the field, and nothing is stored: before,
// encoding/json turned the bytes into U+FFFD and the altered text was kept.
func TestInvalidInputIsRefusedNamingItsField(t *testing.T) {
	base, _ := startServer(t, "--data", t.TempDir())
	leader := loginToken(t, base, "wangjianguo", demo.Password)
	staff := loginToken(t, base, "zhangjing", demo.Password)
	budget := departmentID(t, base, leader, "预算股")
	audience := fmt.Sprintf(`"audience":{"departments":[{"id":%d,"sub":true}]}`, budget)

	rest := []struct {
		name, method, path string
		body               any
		field              string
	}{
		{"a notice title with invalid bytes", "POST", "/api/v1/notices", "{\"title\":\"关于\xe9\x80\",\"body\":\"正文\"," + audience + "}", "title"},
		{"a notice title with a lone surrogate escape", "POST", "/api/v1/notices", `{"title":"通知\udc01","body":"正文",` + audience + `}`, "title"},
		{"a notice body with invalid bytes", "POST", "/api/v1/notices", "{\"title\":\"通知\",\"body\":\"\xff\"," + audience + "}", "body"},
		{"a notice deadline that is not a time", "POST", "/api/v1/notices", `{"title":"通知","body":"正文","deadline":"明天",` + audience + `}`, "deadline"},
		{"a search term with invalid bytes", "GET", "/api/v1/search?q=%E9%80", nil, "q"},
	}
	for _, tc := range rest {
		t.Run(tc.name, func(t *testing.T) {
			status, code, field := quietErr(t, tc.method, base+tc.path, leader, tc.body)
			if status != http.StatusBadRequest || code != protocol.CodeBadRequest || field != tc.field {
				t.Fatalf("status %d %s field %q, want 400 bad_request field %q", status, code, field, tc.field)
			}
		})
	}
	t.Run("no notice was stored", func(t *testing.T) {
		var sent protocol.Notices
		if code, _ := call(t, "GET", base+"/api/v1/notices?box=sent", leader, nil, &sent); code != 200 || len(sent.Notices) != 0 {
			t.Fatalf("sent box: %d %+v", code, sent)
		}
	})

	t.Run("a message text with invalid bytes over the socket", func(t *testing.T) {
		ch := channelNamed(t, base, staff, "预算股")
		c := dialWS(t, base, staff)
		c.Hello()
		frames := []string{
			fmt.Sprintf("{\"v\":1,\"type\":\"send\",\"ref\":\"bad\",\"data\":{\"channel_id\":%d,\"client_id\":\"u-1\",\"text\":\"收到\xe5\"}}", ch.ID),
			fmt.Sprintf(`{"v":1,"type":"send","ref":"bad","data":{"channel_id":%d,"client_id":"u-2","text":"收到\ud800"}}`, ch.ID),
		}
		for _, f := range frames {
			c.WriteRaw([]byte(f))
			reply := c.Until("refusal", wstest.WithRef("bad"))
			var e protocol.Error
			_ = json.Unmarshal(reply.Data, &e)
			if reply.Type != protocol.TypeError || e.Code != protocol.CodeBadRequest || e.Field != "data.text" {
				t.Fatalf("got %s %s, want bad_request field data.text", reply.Type, reply.Data)
			}
		}
		var hist protocol.Messages
		if code, _ := call(t, "GET", fmt.Sprintf("%s/api/v1/channels/%d/messages", base, ch.ID), staff, nil, &hist); code != 200 {
			t.Fatalf("history: %d", code)
		}
		for _, m := range hist.Messages {
			if strings.HasPrefix(m.Text, "收到") {
				t.Fatalf("stored %q", m.Text)
			}
		}
	})
}
