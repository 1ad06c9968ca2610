package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"govchat/internal/auth"
	"govchat/internal/notice"
	"govchat/internal/store"
	"govchat/protocol"
)

// stateNames are answer states as the export writes them.
var stateNames = map[string]string{
	protocol.SubmissionSubmitted: "已提交",
	protocol.SubmissionReturned:  "已退回修改",
	protocol.SubmissionTodo:      "未提交",
}

// Export writes every answer as an .xlsx workbook (access as Status: the author and
// those who see all), with excelize's streaming writer:
//
//   - sheet 汇总: one row per answer — 序号, 部门, 填报人, 状态, 首次提交, 最后修改, then one
//     column per field, headed by its label (a signup: 接龙内容). Numbers are numbers;
//     a multiple choice is its options joined by "、"; a file is "附件 <size> 字节
//     <blob id>" (its name is encrypted: the files are downloaded apart, in the browser);
//     a table field's cell says how many rows it has.
//   - one sheet per table field, named after its label: one row per table row — 序号 (of
//     the answer), 部门, 填报人, 行, then the table's columns.
//   - sheet 未提交: who has not answered (or was returned), by department.
//
// Times are Options.Location's (Beijing time), "2006-01-02 15:04". Every text cell a
// spreadsheet could read as a formula is defused as the notice CSV's (notice.DefuseCell).
func (s *Service) Export(ctx context.Context, p auth.Principal, id int64, w io.Writer) error {
	v, err := s.seeAll(ctx, p, id)
	if err != nil {
		return err
	}
	fields, err := fieldsOf(v.c)
	if err != nil {
		return err
	}
	subs, err := s.store.ListSubmissions(ctx, id)
	if err != nil {
		return fmt.Errorf("collect: answers to %d: %w", id, err)
	}
	rs, err := s.store.ListCollectionRecipients(ctx, id)
	if err != nil {
		return fmt.Errorf("collect: recipients of %d: %w", id, err)
	}
	users := userIDs(rs)
	for _, sub := range subs {
		users = append(users, sub.UserID)
	}
	l, err := s.labelsFor(ctx, users)
	if err != nil {
		return err
	}
	wired, err := s.wireSubmissions(ctx, v.c, subs)
	if err != nil {
		return err
	}
	x := &xlsx{f: excelize.NewFile(), loc: s.opt.Location}
	defer x.f.Close()
	if err := x.summary(v.c, fields, wired); err != nil {
		return err
	}
	for _, f := range fields {
		if f.Type == protocol.FieldTable {
			if err := x.table(f, wired); err != nil {
				return err
			}
		}
	}
	if err := x.pending(v.c, rs, subs, l); err != nil {
		return err
	}
	if err := x.f.DeleteSheet("Sheet1"); err != nil {
		return fmt.Errorf("collect: export: %w", err)
	}
	x.f.SetActiveSheet(0)
	if _, err := x.f.WriteTo(w); err != nil {
		return fmt.Errorf("collect: export %d: %w", id, err)
	}
	return nil
}

// xlsx is one workbook being written.
type xlsx struct {
	f      *excelize.File
	loc    *time.Location
	sheets map[string]bool
	header int // the header style
}

// sheet starts a sheet named name (made unique and valid) with its header row.
func (x *xlsx) sheet(name string, header []string) (*excelize.StreamWriter, error) {
	if x.sheets == nil {
		x.sheets = map[string]bool{}
		st, err := x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
		if err != nil {
			return nil, fmt.Errorf("collect: export style: %w", err)
		}
		x.header = st
	}
	name = sheetName(name)
	for base, i := name, 2; x.sheets[name]; i++ {
		name = truncRunes(base, 27) + fmt.Sprintf(" (%d)", i)
	}
	x.sheets[name] = true
	if _, err := x.f.NewSheet(name); err != nil {
		return nil, fmt.Errorf("collect: export sheet: %w", err)
	}
	sw, err := x.f.NewStreamWriter(name)
	if err != nil {
		return nil, fmt.Errorf("collect: export sheet: %w", err)
	}
	row := make([]any, len(header))
	for i, h := range header {
		row[i] = excelize.Cell{StyleID: x.header, Value: notice.DefuseCell(h)}
	}
	if err := sw.SetRow("A1", row); err != nil {
		return nil, fmt.Errorf("collect: export header: %w", err)
	}
	return sw, nil
}

// sheetName is a valid sheet name: at most 31 characters, none of : \ / ? * [ ].
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, s)
	s = strings.Trim(s, "'")
	if s == "" {
		s = "表"
	}
	return truncRunes(s, 31)
}

func truncRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

func (x *xlsx) time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(x.loc).Format("2006-01-02 15:04")
}

func row(n int) string { return fmt.Sprintf("A%d", n) }

func (x *xlsx) summary(c store.Collection, fields []protocol.CollectionField, subs []protocol.Submission) error {
	header := []string{"序号", "部门", "填报人", "状态", "首次提交", "最后修改"}
	if c.Kind == protocol.CollectionSignup {
		header = append(header, "接龙内容")
	}
	for _, f := range fields {
		header = append(header, f.Label)
	}
	sw, err := x.sheet("汇总", header)
	if err != nil {
		return err
	}
	for i, sub := range subs {
		cells := []any{sub.Number, text(sub.DepartmentName), text(sub.UserName), stateNames[sub.State], x.time(sub.SubmittedAt), x.time(sub.UpdatedAt)}
		if c.Kind == protocol.CollectionSignup {
			var line string
			_ = json.Unmarshal(sub.Values[signupLine], &line)
			cells = append(cells, text(line))
		}
		for _, f := range fields {
			cells = append(cells, cell(f, sub.Values[f.ID]))
		}
		if err := sw.SetRow(row(i+2), cells); err != nil {
			return fmt.Errorf("collect: export row: %w", err)
		}
	}
	return flush(sw)
}

func (x *xlsx) table(f protocol.CollectionField, subs []protocol.Submission) error {
	header := []string{"序号", "部门", "填报人", "行"}
	for _, c := range f.Columns {
		header = append(header, c.Label)
	}
	sw, err := x.sheet(f.Label, header)
	if err != nil {
		return err
	}
	n := 2
	for _, sub := range subs {
		var rows []map[string]json.RawMessage
		if raw, ok := sub.Values[f.ID]; ok {
			if err := json.Unmarshal(raw, &rows); err != nil {
				return fmt.Errorf("collect: export table %s: %w", f.ID, err)
			}
		}
		for i, r := range rows {
			cells := []any{sub.Number, text(sub.DepartmentName), text(sub.UserName), i + 1}
			for _, c := range f.Columns {
				cells = append(cells, cell(c, r[c.ID]))
			}
			if err := sw.SetRow(row(n), cells); err != nil {
				return fmt.Errorf("collect: export row: %w", err)
			}
			n++
		}
	}
	return flush(sw)
}

func (x *xlsx) pending(c store.Collection, rs []store.CollectionRecipient, subs []store.Submission, l *labels) error {
	sw, err := x.sheet("未提交", []string{"部门", "姓名", "用户名", "状态"})
	if err != nil {
		return err
	}
	state := map[store.Unit]string{}
	for _, sub := range subs {
		state[sub.Unit] = sub.State
	}
	n := 2
	for _, r := range rs {
		st := state[r.Unit]
		if st == store.SubmissionSubmitted {
			continue
		}
		if st == "" {
			st = protocol.SubmissionTodo
		}
		u := l.users[r.UserID]
		if err := sw.SetRow(row(n), []any{text(l.depts.Name(r.DepartmentID)), text(u.DisplayName), text(u.Username), stateNames[st]}); err != nil {
			return fmt.Errorf("collect: export row: %w", err)
		}
		n++
	}
	return flush(sw)
}

func flush(sw *excelize.StreamWriter) error {
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("collect: export flush: %w", err)
	}
	return nil
}

// text is a text cell, defused.
func text(s string) string { return notice.DefuseCell(s) }

// cell is a value as a spreadsheet cell.
func cell(f protocol.CollectionField, raw json.RawMessage) any {
	if len(raw) == 0 {
		return ""
	}
	switch f.Type {
	case protocol.FieldNumber:
		var n json.Number
		if json.Unmarshal(raw, &n) == nil {
			if x, err := n.Float64(); err == nil {
				return x
			}
		}
	case protocol.FieldChoice:
		if f.Multiple {
			var ss []string
			if json.Unmarshal(raw, &ss) == nil {
				return text(strings.Join(ss, "、"))
			}
		}
	case protocol.FieldFile:
		var a protocol.Attachment
		if json.Unmarshal(raw, &a) == nil {
			return fmt.Sprintf("附件 %d 字节 %s", a.Size, a.BlobID)
		}
	case protocol.FieldTable:
		var rows []json.RawMessage
		if json.Unmarshal(raw, &rows) == nil {
			return fmt.Sprintf("%d 行(见“%s”表)", len(rows), sheetName(f.Label))
		}
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return text(s)
	}
	return text(string(raw))
}
