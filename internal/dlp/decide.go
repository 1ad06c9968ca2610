package dlp

import "govchat/protocol"

// Hit is one rule's hits with the action its rule takes at the level in question.
type Hit struct {
	Rule   string
	Count  int
	Action protocol.DLPAction
}

// Verdict is what hits come to at one secrecy level.
type Verdict struct {
	// Action is the strongest action among the hits: block, then warn, then alert;
	// off when nothing applies.
	Action protocol.DLPAction
	// Hits are the hits whose rule acts at the level (off ones are left out).
	Hits []Hit
}

// strength orders actions: a block outweighs a warning, which outweighs an alert (the
// sender must confirm, and the officer is told as well once they do).
func strength(a protocol.DLPAction) int {
	switch a {
	case protocol.DLPBlock:
		return 3
	case protocol.DLPWarn:
		return 2
	case protocol.DLPAlert:
		return 1
	}
	return 0
}

// ActionAt is a rule's action at level: off for a level it does not list.
func ActionAt(r protocol.DLPRule, level int) protocol.DLPAction {
	if level < 0 || level >= len(r.Actions) {
		// A level outside the ladder gets the top level's action, the strictest,
		// as secrecy.Rule does.
		if len(r.Actions) == 0 {
			return protocol.DLPOff
		}
		return r.Actions[len(r.Actions)-1]
	}
	return r.Actions[level]
}

// Decide is the verdict on hits at level under rules.
func Decide(rules []protocol.DLPRule, hits []protocol.DLPHit, level int) Verdict {
	byID := make(map[string]protocol.DLPRule, len(rules))
	for _, r := range rules {
		byID[r.ID] = r
	}
	v := Verdict{Action: protocol.DLPOff}
	for _, h := range hits {
		r, ok := byID[h.Rule]
		if !ok || h.Count <= 0 {
			continue
		}
		a := ActionAt(r, level)
		if a == protocol.DLPOff {
			continue
		}
		v.Hits = append(v.Hits, Hit{Rule: h.Rule, Count: h.Count, Action: a})
		if strength(a) > strength(v.Action) {
			v.Action = a
		}
	}
	return v
}

// RuleIDs are the ids of the hits whose action is a, in order.
func (v Verdict) RuleIDs(a protocol.DLPAction) []string {
	var out []string
	for _, h := range v.Hits {
		if h.Action == a {
			out = append(out, h.Rule)
		}
	}
	return out
}

// alerts reports whether a hit asks for the officer to be told.
func (v Verdict) alerts() bool {
	for _, h := range v.Hits {
		if h.Action == protocol.DLPAlert {
			return true
		}
	}
	return false
}

// Recorded is the action a hit is recorded with: block when refused; alert when it went
// out and a rule asks for the officer to be told (also after a warning was
// confirmed — the console's alerts list those); otherwise the verdict's.
func (v Verdict) Recorded(sent bool) protocol.DLPAction {
	if sent && v.alerts() {
		return protocol.DLPAlert
	}
	return v.Action
}
