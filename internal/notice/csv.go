package notice

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"time"

	"govchat/internal/auth"
	"govchat/protocol"
)

// csvHeader is the export's first row.
var csvHeader = []string{"部门", "姓名", "用户名", "状态", "查看时间", "确认时间", "确认的版本", "回复"}

// stateNames are the tally states as the export writes them.
var stateNames = map[string]string{
	protocol.TallyConfirmed: "已确认",
	protocol.TallySeen:      "已读未确认",
	protocol.TallyUnseen:    "未读",
}

// TallyCSV is the tally as a CSV file for Excel: UTF-8 with a byte-order mark, one row
// per person (filtered as Tally filters), departments in the tally's order, states in
// Chinese, times as "2026-11-24 09:05" in Options.Location. A cell that a spreadsheet
// would read as a formula (starting with = + - @, a tab or a carriage return) gets a
// leading apostrophe. Access as Tally.
func (s *Service) TallyCSV(ctx context.Context, p auth.Principal, id int64, f TallyFilter) ([]byte, error) {
	td, err := s.loadTally(ctx, p, id, f)
	if err != nil {
		return nil, err
	}
	t := td.build(f)
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true // what Excel writes and expects
	_ = w.Write(csvHeader)
	for _, d := range t.Departments {
		for _, person := range d.People {
			rev := ""
			if person.ConfirmedRevision > 0 {
				rev = strconv.Itoa(person.ConfirmedRevision)
			}
			row := []string{d.Name, person.DisplayName, person.Username, stateNames[person.State],
				s.csvTime(person.SeenAt), s.csvTime(person.ConfirmedAt), rev, person.Reply}
			for i := range row {
				row[i] = defuse(row[i])
			}
			_ = w.Write(row)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("notice: tally csv of %d: %w", id, err)
	}
	return buf.Bytes(), nil
}

func (s *Service) csvTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(s.opt.Location).Format("2006-01-02 15:04")
}

// defuse keeps a spreadsheet from reading a cell as a formula (CSV injection): such a
// cell gets a leading apostrophe, which Excel shows as text.
func defuse(v string) string {
	if v == "" {
		return v
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + v
	}
	return v
}
