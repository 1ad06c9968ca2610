package protocol

// Urgent notices and the author's view of their delivery (PROTOCOL.md §4.10, §4.13).

// What the server did to alert one recipient when a notice was published: a tally's
// TallyPerson.Push. The words the author reads must say exactly this.
const (
	PushOutcomePushed       = "pushed"       // pushed in their working time (推送到手机)
	PushOutcomeBreakthrough = "breakthrough" // off duty, pushed anyway: an urgent notice of a leader within the weekly cap (休息中，已破例推送)
	PushOutcomeHeld         = "held"         // off duty: held for the digest when their working time starts (休息中，上班时提醒)
	PushOutcomeHeldCap      = "held_cap"     // off duty; the author's weekly break-throughs were used up: held (本周破例次数已用完)
	PushOutcomeConnected    = "connected"    // the app was open: shown at once, no push needed (在线，已即时显示)
	PushOutcomeNoDevice     = "no_device"    // no device subscribed to pushes: not pushed (未开启推送)
	PushOutcomeFailed       = "failed"       // the push could not be queued (推送失败)
)

// Break-through forecasts in a NoticeAudienceSummary.
const (
	BreakthroughNone       = "none"        // quiet hours hold for this notice, or nobody is off duty
	BreakthroughWill       = "will"        // an urgent notice of a leader with room in the weekly cap: pushed to those off duty too
	BreakthroughCapReached = "cap_reached" // it would, but the weekly cap is used up: those off duty are told when their working time starts
)

// NoticeAudienceRequest is the body of POST /api/v1/notices/audience: the audience and
// priority of a notice being written, to count its people before sending.
type NoticeAudienceRequest struct {
	Priority string   `json:"priority,omitempty"` // normal (default) or urgent
	Audience Audience `json:"audience"`
}

// NoticeAudienceSummary answers POST /api/v1/notices/audience: how many people the
// audience reaches now (the author and disabled accounts left out, each person once),
// how many of them are off duty, and what an urgent notice would do about it.
type NoticeAudienceSummary struct {
	People       int    `json:"people"`
	Channels     int    `json:"channels"` // where it would be pinned
	OffDuty      int    `json:"off_duty"`
	Breakthrough string `json:"breakthrough"` // Breakthrough…
	// WeekUsed and WeekCap: the author's break-throughs in the last seven days and the
	// cap; for an urgent notice of a leader only.
	WeekUsed int `json:"week_used,omitempty"`
	WeekCap  int `json:"week_cap,omitempty"`
}

// TallyPushCounts counts a tally's recipients by their push outcome (PushOutcome…);
// Undecided: those the server has not decided for yet.
type TallyPushCounts struct {
	Pushed       int `json:"pushed"`
	Breakthrough int `json:"breakthrough"`
	Held         int `json:"held"`
	HeldCap      int `json:"held_cap"`
	Connected    int `json:"connected"`
	NoDevice     int `json:"no_device"`
	Failed       int `json:"failed"`
	Undecided    int `json:"undecided"`
}

// Add counts one recipient with outcome ("" for undecided).
func (c *TallyPushCounts) Add(outcome string) {
	switch outcome {
	case PushOutcomePushed:
		c.Pushed++
	case PushOutcomeBreakthrough:
		c.Breakthrough++
	case PushOutcomeHeld:
		c.Held++
	case PushOutcomeHeldCap:
		c.HeldCap++
	case PushOutcomeConnected:
		c.Connected++
	case PushOutcomeNoDevice:
		c.NoDevice++
	case PushOutcomeFailed:
		c.Failed++
	default:
		c.Undecided++
	}
}
