package orgimport

import "govchat/internal/store"

// Row is one person of the file, valid and normalised.
type Row struct {
	Line        int        // 1-based line in the file where the row starts; the header is line 1
	Username    string     // lower-cased
	DisplayName string     // 姓名
	Department  []string   // path from the top: ["预算股", "预算编制组"]; nil for none
	Title       string     // 职务
	Position    string     // 岗位
	Role        store.Role // empty when the file leaves it empty: staff for a new person, unchanged for an existing one
	// Party is the party organisation path: a branch, and optionally one of its groups.
	Party []string
	// PartyRole is 书记, 副书记, 组织委员, 宣传委员, 纪检委员, 组长 or 党员; 党员 when
	// Party is set and the file left it empty, and empty when Party is.
	PartyRole string
	Phone     string
	Email     string
	// Password is the initial password as written; empty means the applier generates a
	// one-time one. Check it against the password policy before applying anything.
	Password string
}

// Plan is what a valid file asks for. Departments and PartyOrgs list every path the
// rows name, each after its parent, in the order the file first names them.
type Plan struct {
	Rows        []Row
	Departments [][]string
	PartyOrgs   [][]string
}

// Limits bound what Parse will read. A zero or negative field takes its default, so
// Limits{} is the same as DefaultLimits().
type Limits struct {
	MaxBytes  int64 // over it Parse returns ErrTooLarge without reading further
	MaxRows   int   // data rows, blank ones not counted; over it, one too_many_rows error
	MaxErrors int   // row errors listed before a final too_many_errors
}

// DefaultLimits fit a large county bureau with room to spare: 10,000 people with
// every column filled in are about a megabyte of CSV.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 5 << 20, MaxRows: 10_000, MaxErrors: 1_000}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxRows <= 0 {
		l.MaxRows = d.MaxRows
	}
	if l.MaxErrors <= 0 {
		l.MaxErrors = d.MaxErrors
	}
	return l
}
