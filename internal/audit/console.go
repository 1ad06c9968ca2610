package audit

// The security officer's and auditor's console (PROTOCOL.md §4.24).

// SendRecordLevel: sends at or above this secrecy level (2, 敏感 and 秘密) are each in the
// trail (chat.send). Sends below it are not: each takes the trail's one lock, which would
// put every message of the organisation in one queue, and the messages table already
// records who sent what where and when (until retention). Levelled messages are few and
// are what a leak investigation starts from.
const SendRecordLevel = 2

const (
	// AuditExported: someone exported the trail as CSV for an inspection; the detail
	// holds the case number, the filters and the number of rows (never content).
	AuditExported = "audit.exported"
	// AlertRaised: the alert job raised an alert (actor system); the detail holds its
	// kind, count, window, the person or address and the first entries' ids.
	AlertRaised = "alert.raised"
	// AlertAcked: the security officer acknowledged an alert with a note.
	AlertAcked = "alert.acked"
	// NoticeExport and CollectionExport: someone downloaded a notice's tally (CSV) or a
	// collection's answers (xlsx); the detail holds the file's size, never its cells.
	NoticeExport     = "notice.export"
	CollectionExport = "collection.export"
)
