package collect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/notice"
	"govchat/internal/textcheck"
	"govchat/protocol"
)

// signupLine is the one value key of a signup.
const signupLine = "line"

// publishRequest is a checked PublishCollectionRequest.
type publishRequest struct {
	kind, title, description, per string
	fields                        []protocol.CollectionField
	deadline                      time.Time
	secrecy                       int
}

func checkPublish(req protocol.PublishCollectionRequest, now time.Time) (publishRequest, error) {
	var out publishRequest
	var err error
	if out.title, err = textcheck.Field("title", req.Title, protocol.MaxCollectionTitle, true, false); err != nil {
		return out, err
	}
	if out.description, err = textcheck.Field("description", req.Description, protocol.MaxCollectionDescription, false, true); err != nil {
		return out, err
	}
	switch req.Kind {
	case protocol.CollectionSignup:
		if len(req.Fields) > 0 {
			return out, apperr.BadField("fields", "a signup (接龙) has no fields: each answer is one line")
		}
		if req.Per != "" && req.Per != protocol.CollectionPerPerson {
			return out, apperr.BadField("per", "a signup is answered per person")
		}
		out.per, out.fields = protocol.CollectionPerPerson, []protocol.CollectionField{}
	case protocol.CollectionForm:
		switch req.Per {
		case "":
			out.per = protocol.CollectionPerPerson
		case protocol.CollectionPerPerson, protocol.CollectionPerDepartment:
			out.per = req.Per
		default:
			return out, apperr.BadField("per", "per is person or department")
		}
		if out.fields, err = checkFields(req.Fields); err != nil {
			return out, err
		}
	default:
		return out, apperr.BadField("kind", "kind is signup or form")
	}
	out.kind = req.Kind
	if req.Secrecy < 0 || req.Secrecy > 1 {
		return out, apperr.BadField("secrecy", "a collection is 0 (公开) or 1 (内部)")
	}
	out.secrecy = req.Secrecy
	if out.deadline, err = notice.CheckDeadline(req.Deadline, now); err != nil {
		return out, err
	}
	return out, notice.CheckAudience(req.Audience)
}

// checkFields checks a form: 1..MaxCollectionFields fields with distinct ids.
func checkFields(fs []protocol.CollectionField) ([]protocol.CollectionField, error) {
	if len(fs) == 0 {
		return nil, apperr.BadField("fields", "a form has at least one field")
	}
	if len(fs) > protocol.MaxCollectionFields {
		return nil, apperr.BadField("fields", "at most %d fields", protocol.MaxCollectionFields)
	}
	out := make([]protocol.CollectionField, len(fs))
	seen := map[string]bool{}
	for i, f := range fs {
		name := fmt.Sprintf("fields[%d]", i)
		c, err := checkField(name, f, false)
		if err != nil {
			return nil, err
		}
		if seen[c.ID] {
			return nil, apperr.BadField(name+".id", "two fields are named %q", c.ID)
		}
		seen[c.ID] = true
		out[i] = c
	}
	return out, nil
}

func validID(id string) bool {
	if id == "" || len(id) > protocol.MaxFieldID {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// checkField checks one field (column: a table's column, which may be no table or file).
func checkField(name string, f protocol.CollectionField, column bool) (protocol.CollectionField, error) {
	if !validID(f.ID) {
		return f, apperr.BadField(name+".id", "a field id is 1..%d letters, digits, _ or -", protocol.MaxFieldID)
	}
	label, err := textcheck.Field(name+".label", f.Label, protocol.MaxFieldLabel, true, false)
	if err != nil {
		return f, err
	}
	out := protocol.CollectionField{ID: f.ID, Label: label, Type: f.Type, Required: f.Required}
	if f.Type != protocol.FieldChoice && (len(f.Options) > 0 || f.Multiple) {
		return f, apperr.BadField(name+".options", "only a choice has options")
	}
	if f.Type != protocol.FieldTable && (len(f.Columns) > 0 || f.MaxRows != 0) {
		return f, apperr.BadField(name+".columns", "only a table has columns and max_rows")
	}
	if f.Type != protocol.FieldFile && f.MaxSize != 0 {
		return f, apperr.BadField(name+".max_size", "only a file field has max_size")
	}
	switch f.Type {
	case protocol.FieldText, protocol.FieldNumber, protocol.FieldDate:
	case protocol.FieldChoice:
		if len(f.Options) == 0 || len(f.Options) > protocol.MaxFieldOptions {
			return f, apperr.BadField(name+".options", "a choice has 1..%d options", protocol.MaxFieldOptions)
		}
		for j, o := range f.Options {
			v, err := textcheck.Field(fmt.Sprintf("%s.options[%d]", name, j), o, protocol.MaxFieldOption, true, false)
			if err != nil {
				return f, err
			}
			if slices.Contains(out.Options, v) {
				return f, apperr.BadField(fmt.Sprintf("%s.options[%d]", name, j), "the option %q is there twice", v)
			}
			out.Options = append(out.Options, v)
		}
		out.Multiple = f.Multiple
	case protocol.FieldFile:
		if column {
			return f, apperr.BadField(name+".type", "a table's column is text, number, date or choice")
		}
		if f.MaxSize < 0 {
			return f, apperr.BadField(name+".max_size", "max_size is a size in bytes")
		}
		out.MaxSize = f.MaxSize
	case protocol.FieldTable:
		if column {
			return f, apperr.BadField(name+".type", "a table's column is text, number, date or choice")
		}
		if len(f.Columns) == 0 || len(f.Columns) > protocol.MaxTableColumns {
			return f, apperr.BadField(name+".columns", "a table has 1..%d columns", protocol.MaxTableColumns)
		}
		seen := map[string]bool{}
		for j, col := range f.Columns {
			cn := fmt.Sprintf("%s.columns[%d]", name, j)
			c, err := checkField(cn, col, true)
			if err != nil {
				return f, err
			}
			if seen[c.ID] {
				return f, apperr.BadField(cn+".id", "two columns are named %q", c.ID)
			}
			seen[c.ID] = true
			out.Columns = append(out.Columns, c)
		}
		switch {
		case f.MaxRows == 0:
			out.MaxRows = protocol.MaxTableRows
		case f.MaxRows < 1 || f.MaxRows > protocol.MaxTableRows:
			return f, apperr.BadField(name+".max_rows", "max_rows is 1..%d", protocol.MaxTableRows)
		default:
			out.MaxRows = f.MaxRows
		}
	default:
		return f, apperr.BadField(name+".type", "type is text, number, date, choice, file or table")
	}
	return out, nil
}

// fileRef is a file value found while checking an answer, to be resolved afterwards
// (it needs lookups); field names it in a refusal.
type fileRef struct {
	field   string
	key     string // the field id
	ref     protocol.AttachmentRef
	maxSize int64
}

// checkValues checks an answer's values against the form and returns them normalised
// (texts trimmed, choices as given), with the file values still to resolve. Every
// refusal is bad_request naming "values.<id>" (and the row and column of a table).
func checkValues(kind string, fields []protocol.CollectionField, values map[string]json.RawMessage) (map[string]any, []fileRef, error) {
	out := map[string]any{}
	if kind == protocol.CollectionSignup {
		for k := range values {
			if k != signupLine {
				return nil, nil, apperr.BadField("values."+k, "a signup's answer is {\"line\": \"…\"}")
			}
		}
		var line string
		if err := strict(values[signupLine], &line); err != nil {
			return nil, nil, apperr.BadField("values.line", "the line is a string")
		}
		v, err := textcheck.Field("values.line", line, protocol.MaxSignupLine, true, false)
		if err != nil {
			return nil, nil, err
		}
		out[signupLine] = v
		return out, nil, nil
	}
	byID := map[string]protocol.CollectionField{}
	for _, f := range fields {
		byID[f.ID] = f
	}
	for k := range values {
		if _, ok := byID[k]; !ok {
			return nil, nil, apperr.BadField("values."+k, "the form has no field %q", k)
		}
	}
	var files []fileRef
	for _, f := range fields {
		name := "values." + f.ID
		raw, present := values[f.ID]
		if !present || isNull(raw) {
			if f.Required {
				return nil, nil, apperr.BadField(name, "%s is required", f.Label)
			}
			continue
		}
		if f.Type == protocol.FieldFile {
			var ref protocol.AttachmentRef
			if err := strict(raw, &ref); err != nil || ref.BlobID == "" {
				return nil, nil, apperr.BadField(name, "a file value is {\"blob_id\", \"commitment\"}")
			}
			files = append(files, fileRef{field: name, key: f.ID, ref: ref, maxSize: f.MaxSize})
			continue
		}
		if f.Type == protocol.FieldTable {
			var rows []map[string]json.RawMessage
			if err := strict(raw, &rows); err != nil {
				return nil, nil, apperr.BadField(name, "a table value is an array of rows")
			}
			if len(rows) > f.MaxRows {
				return nil, nil, apperr.BadField(name, "at most %d rows", f.MaxRows)
			}
			if f.Required && len(rows) == 0 {
				return nil, nil, apperr.BadField(name, "%s is required", f.Label)
			}
			table := make([]map[string]any, 0, len(rows))
			for i, row := range rows {
				rn := fmt.Sprintf("%s[%d]", name, i)
				cols := map[string]protocol.CollectionField{}
				for _, c := range f.Columns {
					cols[c.ID] = c
				}
				for k := range row {
					if _, ok := cols[k]; !ok {
						return nil, nil, apperr.BadField(rn+"."+k, "the table has no column %q", k)
					}
				}
				cells := map[string]any{}
				for _, c := range f.Columns {
					cell, present := row[c.ID]
					if !present || isNull(cell) {
						if c.Required {
							return nil, nil, apperr.BadField(rn+"."+c.ID, "%s is required", c.Label)
						}
						continue
					}
					v, err := scalar(rn+"."+c.ID, c, cell, protocol.MaxTableCellText)
					if err != nil {
						return nil, nil, err
					}
					if v != nil {
						cells[c.ID] = v
					}
				}
				table = append(table, cells)
			}
			out[f.ID] = table
			continue
		}
		v, err := scalar(name, f, raw, protocol.MaxFieldText)
		if err != nil {
			return nil, nil, err
		}
		if v == nil {
			if f.Required {
				return nil, nil, apperr.BadField(name, "%s is required", f.Label)
			}
			continue
		}
		out[f.ID] = v
	}
	return out, files, nil
}

// scalar checks a text, number, date or choice value; nil for an empty text or
// choice (not given).
func scalar(name string, f protocol.CollectionField, raw json.RawMessage, maxText int) (any, error) {
	switch f.Type {
	case protocol.FieldText:
		var s string
		if err := strict(raw, &s); err != nil {
			return nil, apperr.BadField(name, "%s is text", f.Label)
		}
		v, err := textcheck.Field(name, s, maxText, false, true)
		if err != nil || v == "" {
			return nil, err
		}
		return v, nil
	case protocol.FieldNumber:
		var n json.Number
		if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '"' {
			return nil, apperr.BadField(name, "%s is a number, not text", f.Label)
		}
		if err := strict(raw, &n); err != nil {
			return nil, apperr.BadField(name, "%s is a number", f.Label)
		}
		x, err := n.Float64()
		if err != nil || math.IsInf(x, 0) || math.IsNaN(x) || math.Abs(x) > protocol.MaxCollectionNumber || len(n) > 40 {
			return nil, apperr.BadField(name, "%s is a finite number of magnitude at most 10^15", f.Label)
		}
		return n, nil
	case protocol.FieldDate:
		var s string
		if err := strict(raw, &s); err != nil {
			return nil, apperr.BadField(name, "%s is a date, \"2026-11-25\"", f.Label)
		}
		if s == "" {
			return nil, nil
		}
		d, err := time.Parse(time.DateOnly, s)
		if err != nil || d.Year() < 1900 || d.Year() > 2200 {
			return nil, apperr.BadField(name, "%s is a date, \"2026-11-25\"", f.Label)
		}
		return s, nil
	case protocol.FieldChoice:
		if f.Multiple {
			var ss []string
			if err := strict(raw, &ss); err != nil {
				return nil, apperr.BadField(name, "%s is a list of options", f.Label)
			}
			if len(ss) == 0 {
				return nil, nil
			}
			var out []string
			for _, s := range ss {
				if !slices.Contains(f.Options, s) {
					return nil, apperr.BadField(name, "%q is not an option of %s", s, f.Label)
				}
				if !slices.Contains(out, s) {
					out = append(out, s)
				}
			}
			return out, nil
		}
		var s string
		if err := strict(raw, &s); err != nil {
			return nil, apperr.BadField(name, "%s is one of its options", f.Label)
		}
		if s == "" {
			return nil, nil
		}
		if !slices.Contains(f.Options, s) {
			return nil, apperr.BadField(name, "%q is not an option of %s", s, f.Label)
		}
		return s, nil
	}
	return nil, apperr.BadField(name, "unknown field type")
}

func isNull(raw json.RawMessage) bool {
	return len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// strict decodes raw into v, refusing unknown object keys and trailing data.
func strict(raw json.RawMessage, v any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("trailing data")
	}
	return nil
}
