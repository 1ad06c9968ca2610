package audit

// Retention and legal holds (PROTOCOL.md §4.19, §4.20). The detail names counts, ids,
// levels, case numbers and reasons — never a message's or notice's text.
const (
	// RetentionSweep: one event per sweep that deleted anything, by actor system, with
	// counts per channel and level.
	RetentionSweep = "retention.sweep"
	// RetentionClockBackwards: a sweep refused because the clock read earlier than the
	// last sweep's time.
	RetentionClockBackwards = "retention.clock_backwards"

	HoldPlaced           = "hold.placed"
	HoldReleaseRequested = "hold.release_requested"
	// HoldReleased: a second person countersigned the release; outcome denied when the
	// one who asked tried (two-person rule).
	HoldReleased        = "hold.released"
	HoldReleaseCanceled = "hold.release_cancelled"
)
