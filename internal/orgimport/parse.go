package orgimport

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"

	"govchat/protocol"
)

// Parse reads an organisation CSV (see the package documentation for the format).
//
// The error is for a file that cannot be read as a whole; it wraps ErrTooLarge,
// ErrNotUTF8, ErrEmpty or ErrNoRows with a message for the administrator, or is a read
// error from r. Otherwise the row errors list every problem found, in line order, and
// the Plan is only returned — and only to be applied — when there are none.
func Parse(r io.Reader, limits Limits) (Plan, []protocol.ImportRowError, error) {
	limits = limits.withDefaults()
	data, err := readLimited(r, limits.MaxBytes)
	if err != nil {
		return Plan{}, nil, err
	}
	data, err = decode(data)
	if err != nil {
		return Plan{}, nil, err
	}
	return parseRecords(data, limits)
}

// readLimited reads all of r, but never more than max+1 bytes, so a huge upload
// costs at most the limit in memory.
func readLimited(r io.Reader, max int64) ([]byte, error) {
	n := max
	if n < math.MaxInt64 {
		n++
	}
	data, err := io.ReadAll(io.LimitReader(r, n))
	if err != nil {
		return nil, fmt.Errorf("orgimport: reading the file: %w", err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w: it is over %s; split it into smaller files", ErrTooLarge, sizeText(max))
	}
	return data, nil
}

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// parser holds what one Parse learns across rows.
type parser struct {
	h           header
	errs        errorList
	usernames   map[string]int // username → line that first used it
	unnamedSeen map[int]bool   // unnamed columns already reported
	rows        []Row
	depts       pathSet
	party       pathSet
}

func parseRecords(data []byte, limits Limits) (Plan, []protocol.ImportRowError, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	// Field counts are checked per row: with a fixed count encoding/csv would still
	// return the record, but the check belongs with the other row errors, and trailing
	// empty cells from Excel must not count.
	cr.FieldsPerRecord = -1
	if tabSeparated(data) {
		cr.Comma = '\t'
	} else {
		// Lets a hand-written `wangjg, "王建国"` parse. Not for tabs: with a white-space
		// separator it would swallow empty fields.
		cr.TrimLeadingSpace = true
	}

	p := parser{
		errs:        errorList{max: limits.MaxErrors},
		usernames:   make(map[string]int),
		unnamedSeen: make(map[int]bool),
	}
	haveHeader := false
	rows := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line := 0
		var perr *csv.ParseError
		switch {
		case errors.As(err, &perr):
			line = perr.StartLine
		case err != nil:
			// Reading from memory cannot fail; kept so that a change to that cannot
			// turn an error into a silent half-import.
			return Plan{}, nil, fmt.Errorf("orgimport: reading CSV: %w", err)
		case blank(rec):
			continue
		default:
			line, _ = cr.FieldPos(0)
		}

		if !haveHeader {
			if perr != nil {
				// Without a header no row can be read; this one error is the answer.
				return Plan{}, []protocol.ImportRowError{csvError(perr)}, nil
			}
			p.h = parseHeader(rec, line, &p.errs)
			haveHeader = true
			continue
		}

		rows++
		if rows > limits.MaxRows {
			// Alone: the rows' own errors do not matter until the file is split.
			return Plan{}, []protocol.ImportRowError{{
				Line: line, Code: CodeTooManyRows,
				Message: fmt.Sprintf("the file has more than %d rows; split it into files of at most %d rows",
					limits.MaxRows, limits.MaxRows),
			}}, nil
		}
		if perr != nil {
			p.errs.add(csvError(perr))
			continue
		}
		p.row(rec, line)
	}

	switch {
	case !haveHeader:
		return Plan{}, nil, fmt.Errorf("%w: there is no header line", ErrEmpty)
	case rows == 0:
		return Plan{}, nil, fmt.Errorf("%w: add one line per person under the header", ErrNoRows)
	}
	if errs := p.errs.result(); len(errs) > 0 {
		// No Plan at all, so nobody can apply part of a rejected file by mistake.
		return Plan{}, errs, nil
	}
	return Plan{Rows: p.rows, Departments: p.depts.paths, PartyOrgs: p.party.paths}, nil, nil
}

// row checks one non-blank data record.
func (p *parser) row(rec []string, line int) {
	if len(rec) < p.h.need || dataBeyond(rec, p.h.width) {
		// A miscounted row is usually a comma inside an unquoted name; its cells are
		// shifted, so checking them would only report nonsense.
		p.errs.add(protocol.ImportRowError{
			Line: line, Code: CodeWrongFieldCount,
			Message: fmt.Sprintf("the line has %d fields but the header has %d; put a value holding a comma in double quotes",
				len(rec), p.h.width),
		})
		return
	}
	for _, i := range p.h.unnamed {
		if i >= len(rec) {
			break // unnamed is in column order; stopping here keeps a row's cost to its own cells
		}
		if !p.unnamedSeen[i] {
			if v := trim(rec[i]); v != "" {
				p.unnamedSeen[i] = true
				p.errs.add(protocol.ImportRowError{
					Line: p.h.line, Code: CodeUnnamedColumn, Value: display(v),
					Message: fmt.Sprintf("column %d has no name in the header, but line %d has a value in it; name the column or clear it",
						i+1, line),
				})
			}
		}
	}

	r, errs := checkRow(&p.h, rec, line)
	for _, e := range errs {
		p.errs.add(e)
	}
	if r.Username != "" {
		if first, dup := p.usernames[r.Username]; dup {
			p.errs.add(protocol.ImportRowError{
				Line: line, Column: p.h.column(fUsername), Code: CodeDuplicateUsername, Value: r.Username,
				Message: fmt.Sprintf("the username is already used on line %d", first),
			})
			return
		}
		p.usernames[r.Username] = line
	}
	if len(errs) > 0 {
		return
	}
	p.rows = append(p.rows, r)
	p.depts.add(r.Department)
	p.party.add(r.Party)
}

// dataBeyond reports whether a record has a non-empty cell past the header's width.
// Empty ones are the trailing commas spreadsheets leave and carry nothing.
func dataBeyond(rec []string, width int) bool {
	return len(rec) > width && !blank(rec[width:])
}

// csvError reports broken quoting. encoding/csv resumes after the broken record, so
// the lines after it are still checked.
func csvError(e *csv.ParseError) protocol.ImportRowError {
	msg := "the line's quoting is broken: " + e.Err.Error()
	switch {
	case errors.Is(e.Err, csv.ErrBareQuote):
		msg = "a field holds a \" but is not in quotes; put the whole field in double quotes and double each \" inside it"
	case errors.Is(e.Err, csv.ErrQuote) && e.Line != e.StartLine:
		msg = fmt.Sprintf("a quoted field opened on this line is not closed properly (it runs on to line %d)", e.Line)
	case errors.Is(e.Err, csv.ErrQuote):
		msg = "a quoted field is not closed, or has text after its closing quote"
	}
	return protocol.ImportRowError{Line: e.StartLine, Code: CodeInvalidCSV, Message: msg}
}

// tabSeparated detects a tab-separated file (Excel's "文本文件(制表符分隔)") from its
// first non-blank line: tabs and no commas.
func tabSeparated(data []byte) bool {
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		return bytes.IndexByte(line, '\t') >= 0 && bytes.IndexByte(line, ',') < 0
	}
	return false
}
