package investigate

import (
	"context"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"

	"govchat/internal/audit"
	"govchat/internal/notice"
	"govchat/internal/store"
)

// The CSV export for an inspection (PROTOCOL.md §4.24): UTF-8 with a byte-order mark,
// CRLF lines, Chinese headers, Beijing times, every cell defused against formulas.

// exportPage is how many entries one read of the export takes.
const exportPage = 1000

// exportHeader is the CSV's first row.
var exportHeader = []string{"编号", "时间（北京时间）", "操作人ID", "操作人", "角色", "部门ID", "操作", "对象类型", "对象ID", "密级", "结果", "IP地址", "请求ID", "详情", "哈希"}

var roleNames = map[string]string{"staff": "干部职工", "leader": "领导", "security": "保密员", "auditor": "审计员", "admin": "系统管理员"}

var outcomeNames = map[string]string{"ok": "成功", "denied": "拒绝", "failed": "失败"}

// Export is an export that was recorded and is ready to stream.
type Export struct {
	s     *Service
	f     store.AuditFilter
	maxID int64 // the newest entry when it began: the export's own entry is not in it
	Rows  int64
}

// BeginExport records the export (audit.exported: the case number, the filters and the
// number of rows) before any row leaves, and returns it ready to write.
func (s *Service) BeginExport(ctx context.Context, actor store.User, f Filter, caseNumber string) (*Export, error) {
	sf, err := s.storeFilter(ctx, f)
	if err != nil {
		return nil, err
	}
	sf.BeforeID, sf.Limit = 0, 0
	maxID, err := s.store.LatestAuditID(ctx)
	if err != nil {
		return nil, err
	}
	n, err := s.store.CountAudit(ctx, sf, maxID)
	if err != nil {
		return nil, err
	}
	d := f.detail()
	d["case_number"] = caseNumber
	d["rows"] = n
	if err := s.audit.Record(ctx, audit.Event{ActorID: actor.ID, ActorName: actor.Username, Action: audit.AuditExported,
		TargetType: "audit", Detail: d}); err != nil {
		return nil, err
	}
	return &Export{s: s, f: sf, maxID: maxID, Rows: n}, nil
}

// WriteTo streams the export, newest first, at most Rows rows.
func (x *Export) WriteTo(ctx context.Context, w io.Writer) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(exportHeader); err != nil {
		return err
	}
	loc := notice.Beijing()
	f := x.f
	f.BeforeID, f.Limit = x.maxID+1, exportPage
	left := x.Rows
	for left > 0 {
		page, err := x.s.store.ListAudit(ctx, f)
		if err != nil {
			return err
		}
		for _, e := range page {
			if left == 0 {
				break
			}
			level := ""
			if e.Level != nil {
				level = strconv.Itoa(*e.Level)
			}
			dept := ""
			if e.ActorDept != 0 {
				dept = strconv.FormatInt(e.ActorDept, 10)
			}
			row := []string{strconv.FormatInt(e.ID, 10), e.At.In(loc).Format("2006-01-02 15:04:05.000"),
				strconv.FormatInt(e.ActorID, 10), e.ActorName, label(roleNames, e.ActorRole), dept, e.Action, e.TargetType, e.TargetID,
				level, label(outcomeNames, e.Outcome), e.IP, e.RequestID, e.Detail, hex.EncodeToString(e.Hash)}
			for i := range row {
				row[i] = notice.DefuseCell(row[i])
			}
			if err := cw.Write(row); err != nil {
				return err
			}
			left--
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("investigate: write the export: %w", err)
		}
		if len(page) < exportPage {
			break
		}
		f.BeforeID = page[len(page)-1].ID
	}
	cw.Flush()
	return cw.Error()
}

func label(names map[string]string, code string) string {
	if n, ok := names[code]; ok {
		return n
	}
	return code
}
