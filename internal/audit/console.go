package audit

// The security officer's and auditor's console (PROTOCOL.md §4.24).
const (
	// AuditExported: someone exported the trail as CSV for an inspection; the detail
	// holds the case number, the filters and the number of rows (never content).
	AuditExported = "audit.exported"
	// AlertRaised: the alert job raised an alert (actor system); the detail holds its
	// kind, count, window, the person or address and the first entries' ids.
	AlertRaised = "alert.raised"
	// AlertAcked: the security officer acknowledged an alert with a note.
	AlertAcked = "alert.acked"
)
