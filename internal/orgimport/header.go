package orgimport

import (
	"fmt"
	"strings"

	"govchat/protocol"
)

// field is one of the columns govchat understands.
type field int

const (
	fUsername field = iota
	fName
	fDepartment
	fTitle
	fPosition
	fRole
	fParty
	fPartyRole
	fPhone
	fEmail
	fPassword
	numFields
)

// column describes a field's header names. The first name is the canonical Chinese
// one, used when the column is missing from the file; names are compared after
// normalizeHeader, so English ones are written here in lower case with "_".
type column struct {
	names    []string
	required bool
}

// columns is a read-only lookup table, indexed by field. Keep it in step with the
// package documentation, which is the administrator's manual.
var columns = [numFields]column{
	fUsername:   {names: []string{"用户名", "username", "账号", "登录名"}, required: true},
	fName:       {names: []string{"姓名", "name", "display_name"}, required: true},
	fDepartment: {names: []string{"部门", "department"}},
	fTitle:      {names: []string{"职务", "title"}},
	fPosition:   {names: []string{"岗位", "position"}},
	fRole:       {names: []string{"角色", "role"}},
	fParty:      {names: []string{"党组织", "party"}},
	fPartyRole:  {names: []string{"党内职务", "party_role"}},
	fPhone:      {names: []string{"手机", "phone", "mobile", "手机号", "手机号码", "电话"}},
	fEmail:      {names: []string{"邮箱", "email", "电子邮箱"}},
	fPassword:   {names: []string{"初始密码", "password"}},
}

// normalizeHeader makes "Display Name", " display-name " and "DISPLAY_NAME" one name.
func normalizeHeader(s string) string {
	s = asciiLower(trim(s))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return r
	}, s)
}

func lookupColumn(name string) (field, bool) {
	n := normalizeHeader(name)
	for f, c := range columns {
		for _, alias := range c.names {
			if n == alias {
				return field(f), true
			}
		}
	}
	return 0, false
}

// header is where each field sits in the records of one file.
type header struct {
	line  int
	width int               // cells in the header record
	index [numFields]int    // cell index of each field; -1 when the file lacks it
	names [numFields]string // the header cell as written, for ImportRowError.Column
	// need is how many cells a row must have to reach every named column. Cells after
	// the last named one may be missing or empty: Excel and hand edits both add and
	// drop trailing commas.
	need int
	// unnamed lists cells with an empty header. They are ignored while empty, which is
	// what Excel leaves behind in a column that once held formatting.
	unnamed []int
}

// has reports whether the file has a column for f.
func (h *header) has(f field) bool { return h.index[f] >= 0 }

// column names f for an error: as written in the file, or the canonical name when
// the file lacks the column.
func (h *header) column(f field) string {
	if h.has(f) {
		return display(h.names[f])
	}
	return columns[f].names[0]
}

// parseHeader maps header cells to fields. Problems are recorded rather than fatal:
// the rows are still checked against the columns that were recognised, so that the
// administrator sees everything wrong with the file in one go.
func parseHeader(rec []string, line int, errs *errorList) header {
	h := header{line: line, width: len(rec)}
	for f := range h.index {
		h.index[f] = -1
	}
	for i, cell := range rec {
		name := trim(cell)
		if name == "" {
			h.unnamed = append(h.unnamed, i)
			continue
		}
		h.need = i + 1
		f, ok := lookupColumn(name)
		switch {
		case errs.full() && (!ok || h.has(f)):
			// A "header" of a million unknown names is not worth describing.
			errs.drop(line)
		case !ok:
			errs.add(protocol.ImportRowError{
				Line: line, Column: display(name), Code: CodeUnknownColumn,
				Message: fmt.Sprintf("column %d has a name govchat does not know; see the list of columns", i+1),
			})
		case h.has(f):
			errs.add(protocol.ImportRowError{
				Line: line, Column: display(name), Code: CodeDuplicateColumn,
				Message: fmt.Sprintf("column %d repeats column %d (%s)", i+1, h.index[f]+1, columns[f].names[1]),
			})
		default:
			h.index[f] = i
			h.names[f] = name
		}
	}
	for f, c := range columns {
		if c.required && !h.has(field(f)) {
			errs.add(protocol.ImportRowError{
				Line: line, Column: c.names[0], Code: CodeMissingColumn,
				Message: fmt.Sprintf("the header has no %s (%s) column, which is required", c.names[0], c.names[1]),
			})
		}
	}
	return h
}
