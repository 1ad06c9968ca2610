package audit

// Data-loss prevention (PROTOCOL.md §4.25). Neither event carries the text, the matched
// words or numbers, the officer's keywords or patterns.
const (
	// DLPRulesChanged: the security officer changed the rule set; the detail lists each
	// rule's id, kind and actions before and after, and how many keywords a keyword
	// rule holds.
	DLPRulesChanged = "dlp.rules_changed"
	// DLPHit: a text matched rules whose action at its level is not off. The detail
	// holds context (channel:<id>, notice), kind (message_text, notice_text,
	// file_name, file_text), level, rules [{id, count, action}], action (block, warn or
	// alert: alert whenever the content went out and a rule asks for the officer to be
	// told — the console's alerts list those) and action_taken (blocked, cancelled,
	// sent_after_warning, sent). Outcome denied when blocked.
	DLPHit = "dlp.hit"
)
