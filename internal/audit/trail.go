package audit

// The tamper-evident trail's own events (docs/audit.md, PROTOCOL.md §6).
const (
	// TrailPurge: the audit retention job removed entries older than the audit
	// retention; the detail names the count, the last id removed and the cut. The log's
	// hashes of those entries stay, so every checkpoint stays verifiable.
	TrailPurge = "audit.purge"
	// TrailExported: a signed bundle was exported; the detail names the case number, the
	// range and the checkpoint's size.
	TrailExported = "audit.exported"
	// TrailProof: an inclusion proof of one entry was exported.
	TrailProof = "audit.proof"
)
