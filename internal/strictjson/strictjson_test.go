package strictjson

import (
	"errors"
	"testing"
	"time"

	"govchat/internal/apperr"
	"govchat/protocol"
)

type inner struct {
	At   time.Time `json:"at"`
	Note string    `json:"note"`
	N    int       `json:"n"`
}

type Embedded struct {
	Extra string `json:"extra"`
}

type target struct {
	Embedded
	Title    string            `json:"title"`
	Deadline *time.Time        `json:"deadline,omitempty"`
	Items    []inner           `json:"items"`
	Nested   *inner            `json:"nested"`
	Tags     map[string]string `json:"tags"`
	Plain    int
}

func TestDecode(t *testing.T) {
	cases := []struct {
		name  string
		in    string
		field string // "" with ok false: refused without a field
		ok    bool
		check func(t *testing.T, v target)
	}{
		{name: "accepts a well-formed body", in: `{"title":"通知","deadline":"2026-12-01T09:00:00+08:00","items":[{"n":1}]}`, ok: true,
			check: func(t *testing.T, v target) {
				if v.Title != "通知" || v.Deadline == nil || len(v.Items) != 1 {
					t.Fatalf("decoded %+v", v)
				}
			}},
		{name: "keeps an escaped surrogate pair", in: `{"title":"\ud83d\ude00"}`, ok: true,
			check: func(t *testing.T, v target) {
				if v.Title != "😀" {
					t.Fatalf("title %q", v.Title)
				}
			}},
		{name: "keeps a replacement character the client sent", in: `{"title":"\ufffd�"}`, ok: true,
			check: func(t *testing.T, v target) {
				if v.Title != "\uFFFD\uFFFD" {
					t.Fatalf("title %q", v.Title)
				}
			}},
		{name: "keeps an escaped backslash before u", in: `{"title":"\\ud800"}`, ok: true,
			check: func(t *testing.T, v target) {
				if v.Title != `\ud800` {
					t.Fatalf("title %q", v.Title)
				}
			}},
		{name: "matches a key case-insensitively as encoding/json does", in: `{"TITLE":"a"}`, ok: true},
		{name: "refuses invalid UTF-8 naming the field", in: "{\"title\":\"a\xffb\"}", field: "title"},
		{name: "refuses an overlong encoding", in: "{\"title\":\"\xc0\xaf\"}", field: "title"},
		{name: "refuses an encoded surrogate", in: "{\"title\":\"\xed\xa0\x80\"}", field: "title"},
		{name: "refuses a lone high surrogate escape", in: `{"title":"a\ud800b"}`, field: "title"},
		{name: "refuses a lone low surrogate escape", in: `{"title":"\udc00"}`, field: "title"},
		{name: "refuses a high surrogate before a non-surrogate escape", in: `{"title":"\uD800\u0041"}`, field: "title"},
		{name: "refuses a high surrogate at the end", in: `{"title":"\ud800"}`, field: "title"},
		{name: "names a nested field of invalid UTF-8", in: "{\"items\":[{\"n\":1},{\"note\":\"\xfe\"}]}", field: "items.note"},
		{name: "names a map's field for invalid UTF-8 in a value", in: "{\"tags\":{\"k\":\"\xfe\"}}", field: "tags.k"},
		{name: "names the object for invalid UTF-8 in a key", in: "{\"nested\":{\"\xff\":1}}", field: "nested"},
		{name: "refuses invalid UTF-8 in a top-level key without a field", in: "{\"\xff\":1}", field: ""},
		{name: "refuses invalid UTF-8 in a field the target does not have", in: "{\"other\":\"\xff\"}", field: "other"},
		{name: "names a deadline that is not a time", in: `{"deadline":"明天"}`, field: "deadline"},
		{name: "names a deadline that is a number", in: `{"deadline":5}`, field: "deadline"},
		{name: "names a time inside a list", in: `{"items":[{"at":"2026-01-01T00:00:00Z"},{"at":"soon"}]}`, field: "items.at"},
		{name: "names a time inside a pointer", in: `{"nested":{"at":"x"}}`, field: "nested.at"},
		{name: "names a field of the wrong type", in: `{"title":5}`, field: "title"},
		{name: "names a nested field of the wrong type", in: `{"items":[{"n":"x"}]}`, field: "items.n"},
		{name: "names an untagged field by its Go name", in: `{"Plain":"x"}`, field: "Plain"},
		{name: "refuses an unknown field", in: `{"titel":"a"}`},
		{name: "refuses malformed JSON", in: `{"title":`},
		{name: "refuses a syntax error", in: `{"title" "a"}`},
		{name: "refuses data after the value", in: `{"title":"a"} {}`},
		{name: "refuses a closing bracket after the value", in: `{"title":"a"}]`},
		{name: "refuses a value of the wrong kind at the top", in: `[1]`},
		{name: "refuses empty input", in: ``},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var v target
			err := Decode([]byte(tc.in), &v)
			if tc.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if tc.check != nil {
					tc.check(t, v)
				}
				return
			}
			var e *apperr.Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want an apperr.Error", err)
			}
			if e.Code != protocol.CodeBadRequest || e.Field != tc.field || e.Message == "" {
				t.Fatalf("got code %s field %q message %q, want bad_request field %q", e.Code, e.Field, e.Message, tc.field)
			}
		})
	}
}
