package protocol

// ImportRowError is one bad row of a rejected CSV import. Line counts from 1 with the
// header as line 1, as a spreadsheet shows it. Code is stable; clients show their own
// text for it, with Column and Value.
type ImportRowError struct {
	Line    int    `json:"line"`
	Column  string `json:"column,omitempty"` // header name as written in the file
	Code    string `json:"code"`             // see PROTOCOL.md, "CSV import"
	Value   string `json:"value,omitempty"`  // the offending value, cut to 64 characters
	Message string `json:"message"`          // English, for logs and API users
}
