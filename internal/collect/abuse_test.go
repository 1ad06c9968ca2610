package collect_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// TestBadAnswers: every malformed answer is refused with a precise code and field, and
// nothing is stored.
func TestBadAnswers(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := context.Background()
		fx := newFixture(t, s)
		c := fx.publishForm(protocol.CollectionPerPerson, nil, fx.people("budget1", "treas1"))
		theirs := fx.upload("treas1", 100, true)
		unfinished := fx.upload("budget1", 100, false)
		big := fx.upload("budget1", 2<<20, true)
		rows := make([]map[string]any, 4)
		for i := range rows {
			rows[i] = map[string]any{"name": fmt.Sprint("人", i)}
		}
		raw := func(k, v string) protocol.SubmitRequest {
			return protocol.SubmitRequest{Values: map[string]json.RawMessage{"unit": json.RawMessage(`"x"`), k: json.RawMessage(v)}}
		}
		for _, tc := range []struct {
			name  string
			req   protocol.SubmitRequest
			code  protocol.Code
			field string
		}{
			{"required field missing", vals(t, map[string]any{"staff": 1}), protocol.CodeBadRequest, "values.unit"},
			{"unknown field", vals(t, map[string]any{"unit": "x", "salary": 1}), protocol.CodeBadRequest, "values.salary"},
			{"text as a number", vals(t, map[string]any{"unit": 12}), protocol.CodeBadRequest, "values.unit"},
			{"number as text", vals(t, map[string]any{"unit": "x", "staff": "12"}), protocol.CodeBadRequest, "values.staff"},
			{"number beyond float", raw("staff", "1e400"), protocol.CodeBadRequest, "values.staff"},
			{"number too large", raw("staff", "1e16"), protocol.CodeBadRequest, "values.staff"},
			{"date that is not", vals(t, map[string]any{"unit": "x", "day": "2026-02-30"}), protocol.CodeBadRequest, "values.day"},
			{"date in another shape", vals(t, map[string]any{"unit": "x", "day": "2026/11/24"}), protocol.CodeBadRequest, "values.day"},
			{"choice not an option", vals(t, map[string]any{"unit": "x", "kind": "企业"}), protocol.CodeBadRequest, "values.kind"},
			{"oversized text", vals(t, map[string]any{"unit": strings.Repeat("字", protocol.MaxFieldText+1)}), protocol.CodeBadRequest, "values.unit"},
			{"control characters", vals(t, map[string]any{"unit": "a\u202eb"}), protocol.CodeBadRequest, "values.unit"},
			{"too many rows", vals(t, map[string]any{"unit": "x", "rows": rows}), protocol.CodeBadRequest, "values.rows"},
			{"unknown column", vals(t, map[string]any{"unit": "x", "rows": []map[string]any{{"name": "a", "age": 3}}}), protocol.CodeBadRequest, "values.rows[0].age"},
			{"row missing a required cell", vals(t, map[string]any{"unit": "x", "rows": []map[string]any{{"pay": 3}}}), protocol.CodeBadRequest, "values.rows[0].name"},
			{"oversized cell", vals(t, map[string]any{"unit": "x", "rows": []map[string]any{{"name": strings.Repeat("a", protocol.MaxTableCellText+1)}}}), protocol.CodeBadRequest, "values.rows[0].name"},
			{"file someone else uploaded", vals(t, map[string]any{"unit": "x", "file": theirs}), protocol.CodeBlobNotYours, "values.file.blob_id"},
			{"file not finished", vals(t, map[string]any{"unit": "x", "file": unfinished}), protocol.CodeUploadIncomplete, "values.file.blob_id"},
			{"file above the field's limit", vals(t, map[string]any{"unit": "x", "file": big}), protocol.CodeFileTooLarge, "values.file"},
			{"file that is not a file", vals(t, map[string]any{"unit": "x", "file": "x.pdf"}), protocol.CodeBadRequest, "values.file"},
			{"answer too large", vals(t, map[string]any{"unit": strings.Repeat("a", protocol.MaxSubmissionBytes)}), protocol.CodeTooLarge, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := fx.svc.Submit(ctx, fx.p("budget1"), c.ID, tc.req)
				code, field := codeOf(t, err)
				if code != tc.code || field != tc.field {
					t.Fatalf("got %s on %q (%v), want %s on %q", code, field, err, tc.code, tc.field)
				}
			})
		}
		if got, _ := s.ListSubmissions(ctx, c.ID); len(got) != 0 {
			t.Fatalf("a refused answer was stored: %+v", got)
		}
	})
}

// TestWhoMay: who sees, answers, reads and manages a collection.
func TestWhoMay(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := context.Background()
		fx := newFixture(t, s)
		c := fx.publishForm(protocol.CollectionPerPerson, nil, fx.people("budget1", "treas1"))
		if _, err := fx.svc.Submit(ctx, fx.p("budget1"), c.ID, vals(t, map[string]any{"unit": "预算股"})); err != nil {
			t.Fatal(err)
		}
		// Someone outside the audience: it does not exist for them, whatever they ask.
		_, err := fx.svc.Get(ctx, fx.p("outsider"), c.ID)
		wantCode(t, err, protocol.CodeNotFound)
		_, err = fx.svc.Submit(ctx, fx.p("outsider"), c.ID, vals(t, map[string]any{"unit": "x"}))
		wantCode(t, err, protocol.CodeNotFound)
		_, err = fx.svc.Submissions(ctx, fx.p("outsider"), c.ID)
		wantCode(t, err, protocol.CodeNotFound)
		_, err = fx.svc.History(ctx, fx.p("outsider"), c.ID)
		wantCode(t, err, protocol.CodeNotFound)
		_, err = fx.svc.Get(ctx, fx.p("gz"), c.ID+1000)
		wantCode(t, err, protocol.CodeNotFound)
		// A recipient of a form: their own answer, nobody else's.
		_, err = fx.svc.Submissions(ctx, fx.p("treas1"), c.ID)
		wantCode(t, err, protocol.CodeForbidden)
		_, err = fx.svc.Status(ctx, fx.p("treas1"), c.ID)
		wantCode(t, err, protocol.CodeForbidden)
		_, err = fx.svc.Return(ctx, fx.p("treas1"), c.ID, fx.u["budget1"].ID, protocol.ReturnSubmissionRequest{Note: "x"})
		wantCode(t, err, protocol.CodeForbidden)
		_, err = fx.svc.Close(ctx, fx.p("treas1"), c.ID)
		wantCode(t, err, protocol.CodeForbidden)
		_, err = fx.svc.Remind(ctx, fx.p("budget1"), c.ID)
		wantCode(t, err, protocol.CodeForbidden)
		// Those who may see a notice's tally read every answer, but answer nothing.
		for _, n := range []string{"juzhang", "baomi"} {
			list, err := fx.svc.Submissions(ctx, fx.p(n), c.ID)
			if err != nil || len(list.Submissions) != 1 {
				t.Fatalf("%s reads the answers: %+v %v", n, list, err)
			}
			_, err = fx.svc.Submit(ctx, fx.p(n), c.ID, vals(t, map[string]any{"unit": "x"}))
			wantCode(t, err, protocol.CodeForbidden)
		}
	})
}

// TestBadPublications: the form, the audience and the publisher are checked.
func TestBadPublications(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := context.Background()
		fx := newFixture(t, s)
		many := make([]protocol.CollectionField, protocol.MaxCollectionFields+1)
		for i := range many {
			many[i] = protocol.CollectionField{ID: fmt.Sprint("f", i), Label: "字段", Type: protocol.FieldText}
		}
		table := func(f protocol.CollectionField) []protocol.CollectionField {
			return []protocol.CollectionField{{ID: "t", Label: "表", Type: protocol.FieldTable, MaxRows: 10, Columns: []protocol.CollectionField{f}}}
		}
		past := start.Add(-time.Hour)
		aud := fx.people("budget1")
		for _, tc := range []struct {
			name   string
			author string
			req    protocol.PublishCollectionRequest
			code   protocol.Code
			field  string
		}{
			{"staff may not ask", "budget1", protocol.PublishCollectionRequest{Kind: "form", Title: "t", Fields: form(), Audience: fx.people("treas1")}, protocol.CodeForbidden, ""},
			{"unknown kind", "gz", protocol.PublishCollectionRequest{Kind: "poll", Title: "t", Audience: aud}, protocol.CodeBadRequest, "kind"},
			{"no title", "gz", protocol.PublishCollectionRequest{Kind: "signup", Audience: aud}, protocol.CodeBadRequest, "title"},
			{"a signup with fields", "gz", protocol.PublishCollectionRequest{Kind: "signup", Title: "t", Fields: form(), Audience: aud}, protocol.CodeBadRequest, "fields"},
			{"a form without fields", "gz", protocol.PublishCollectionRequest{Kind: "form", Title: "t", Audience: aud}, protocol.CodeBadRequest, "fields"},
			{"too many fields", "gz", protocol.PublishCollectionRequest{Kind: "form", Title: "t", Fields: many, Audience: aud}, protocol.CodeBadRequest, "fields"},
			{"two fields one id", "gz", protocol.PublishCollectionRequest{Kind: "form", Title: "t", Fields: []protocol.CollectionField{many[0], many[0]}, Audience: aud}, protocol.CodeBadRequest, "fields[1].id"},
			{"bad field id", "gz", protocol.PublishCollectionRequest{Kind: "form", Title: "t", Fields: []protocol.CollectionField{{ID: "a b", Label: "x", Type: "text"}}, Audience: aud}, protocol.CodeBadRequest, "fields[0].id"},
			{"unknown type", "gz", protocol.PublishCollectionRequest{Kind: "form", Title: "t", Fields: []protocol.CollectionField{{ID: "a", Label: "x", Type: "color"}}, Audience: aud}, protocol.CodeBadRequest, "fields[0].type"},
			{"choice without options", "gz", protocol.PublishCollectionRequest{Kind: "form", Title: "t", Fields: []protocol.CollectionField{{ID: "a", Label: "x", Type: "choice"}}, Audience: aud}, protocol.CodeBadRequest, "fields[0].options"},
			{"max_rows above 200", "gz", protocol.PublishCollectionRequest{Kind: "form", Title: "t", Fields: []protocol.CollectionField{{ID: "t", Label: "表", Type: "table", MaxRows: 201,
				Columns: []protocol.CollectionField{{ID: "a", Label: "a", Type: "text"}}}}, Audience: aud}, protocol.CodeBadRequest, "fields[0].max_rows"},
			{"a table in a table", "gz", protocol.PublishCollectionRequest{Kind: "form", Title: "t", Fields: table(protocol.CollectionField{ID: "n", Label: "n", Type: "table"}), Audience: aud}, protocol.CodeBadRequest, "fields[0].columns[0].type"},
			{"a file in a table", "gz", protocol.PublishCollectionRequest{Kind: "form", Title: "t", Fields: table(protocol.CollectionField{ID: "n", Label: "n", Type: "file"}), Audience: aud}, protocol.CodeBadRequest, "fields[0].columns[0].type"},
			{"a per value unknown", "gz", protocol.PublishCollectionRequest{Kind: "form", Title: "t", Fields: form(), Per: "team", Audience: aud}, protocol.CodeBadRequest, "per"},
			{"deadline past", "gz", protocol.PublishCollectionRequest{Kind: "signup", Title: "t", Deadline: &past, Audience: aud}, protocol.CodeBadRequest, "deadline"},
			{"nobody", "gz", protocol.PublishCollectionRequest{Kind: "signup", Title: "t"}, protocol.CodeBadRequest, "audience"},
			{"a user who is not", "gz", protocol.PublishCollectionRequest{Kind: "signup", Title: "t", Audience: protocol.Audience{Users: []int64{99999}}}, protocol.CodeBadRequest, "audience.users"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := fx.svc.Publish(ctx, fx.p(tc.author), tc.req)
				code, field := codeOf(t, err)
				if code != tc.code || field != tc.field {
					t.Fatalf("got %s on %q (%v), want %s on %q", code, field, err, tc.code, tc.field)
				}
			})
		}
	})
}
