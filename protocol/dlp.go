package protocol

import "time"

// Data-loss prevention (数据防泄漏, PROTOCOL.md §4.25). The security officer sets one rule
// set: four built-in detectors (resident ID numbers, bank card numbers, mobile numbers,
// 密级 markings) and their own keyword lists and regular expressions, each with an action
// per secrecy level. The server runs it on message text and notice bodies; the browser
// runs the same rules (client-web/src/dlp) on file names and on the text of files before
// they are encrypted. One test corpus (testdata/dlp_corpus.json) holds both to the same
// answers. A hit is recorded as the rule's id and a count, never the matched text.

// DLPAction is what a rule's hit does at one level.
type DLPAction string

const (
	DLPOff   DLPAction = "off"   // nothing
	DLPWarn  DLPAction = "warn"  // the sender is asked to confirm; confirmed, it is sent and recorded
	DLPBlock DLPAction = "block" // refused, recorded
	DLPAlert DLPAction = "alert" // sent; recorded for the security officer's alerts
)

// DLPRuleKind says what a rule matches.
type DLPRuleKind string

const (
	DLPBuiltin DLPRuleKind = "builtin" // one of the built-in detectors; its id says which
	DLPKeyword DLPRuleKind = "keyword" // any of Keywords, case-insensitively (ASCII letters)
	DLPRegex   DLPRuleKind = "regex"   // Pattern, a regular expression safe in both RE2 and browsers
)

// The built-in detectors' ids, in the order they are tried on a run of digits.
const (
	DLPIDCard     = "id_card"     // 居民身份证号码: 18 characters, GB 11643 check character, a real birth date
	DLPMobile     = "mobile"      // 手机号码: 1[3-9] and 9 more digits, optionally after 86 / +86
	DLPBankCard   = "bank_card"   // 银行卡号: 13–19 digits, Luhn, a card network's first digits
	DLPSecretMark = "secret_mark" // 密级标志: 绝密★ / 机密★ / 秘密★ (with or without a period after it)
)

// Bounds on the officer's rules.
const (
	DLPMaxKeywords     = 200 // keywords across every keyword rule
	DLPMaxKeywordRunes = 64
	DLPMaxRegexRules   = 50
	DLPMaxPatternBytes = 256
	DLPMaxRules        = 60 // every rule, built-in ones included
	DLPMaxNameRunes    = 32
	DLPMaxRepeat       = 100 // the largest {n,m} a pattern may use
)

// DLPRule is one rule. Built-in rules carry only their id, name and actions.
type DLPRule struct {
	ID       string      `json:"id"`   // built-in: its fixed id; others: [a-z][a-z0-9_]{0,31}, unique
	Kind     DLPRuleKind `json:"kind"` //
	Name     string      `json:"name"` // shown to senders and officers: 1–32 characters
	Keywords []string    `json:"keywords,omitempty"`
	Pattern  string      `json:"pattern,omitempty"`
	// Actions is the action at each secrecy level, level 0 first: exactly
	// NumSecrecyLevels of them.
	Actions []DLPAction `json:"actions"`
}

// DLPRules answers GET /api/v1/dlp/rules (every session: the browser scans files with
// them) and is the body of PUT /api/v1/dlp/rules (dlp.manage).
type DLPRules struct {
	Rules     []DLPRule  `json:"rules"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"` // absent in a PUT, and while the defaults hold
	UpdatedBy int64      `json:"updated_by,omitempty"`
}

// DefaultDLPRules is the rule set a new deployment starts with: the four built-in
// detectors and no keywords or patterns of its own. Markings are blocked below 敏感 and
// alerted above; the others warn the sender where the level says the text should not
// travel freely.
func DefaultDLPRules() []DLPRule {
	return []DLPRule{
		{ID: DLPIDCard, Kind: DLPBuiltin, Name: "身份证号", Actions: []DLPAction{DLPWarn, DLPWarn, DLPAlert, DLPAlert}},
		{ID: DLPMobile, Kind: DLPBuiltin, Name: "手机号", Actions: []DLPAction{DLPWarn, DLPOff, DLPOff, DLPOff}},
		{ID: DLPBankCard, Kind: DLPBuiltin, Name: "银行卡号", Actions: []DLPAction{DLPWarn, DLPWarn, DLPAlert, DLPAlert}},
		{ID: DLPSecretMark, Kind: DLPBuiltin, Name: "密级标志", Actions: []DLPAction{DLPBlock, DLPBlock, DLPBlock, DLPAlert}},
	}
}

// DLPBuiltinIDs are the built-in rules' ids, each present exactly once in a rule set.
func DLPBuiltinIDs() []string { return []string{DLPIDCard, DLPMobile, DLPBankCard, DLPSecretMark} }

// DLPHit is one rule's hits in one text: its id and how many matches, never what matched.
type DLPHit struct {
	Rule  string `json:"id"`
	Count int    `json:"count"`
}

// DLPHitsRequest is the body of POST /api/v1/dlp/hits: the browser found hits in a file
// name or a file's text before encrypting it, and says what the sender did.
type DLPHitsRequest struct {
	// Context is where the file was going: "channel:<id>" or "notice" (a notice being
	// written).
	Context string `json:"context"`
	// Kind is what was scanned: "file_name" or "file_text".
	Kind string `json:"kind"`
	// Level is the secrecy level the file was to be sent at.
	Level int      `json:"level"`
	Rules []DLPHit `json:"rules"`
	// ActionTaken is what happened: "blocked", "cancelled" (warned, the sender stopped),
	// "sent_after_warning" or "sent".
	ActionTaken string `json:"action_taken"`
}

// The kinds and outcomes a hit is recorded with.
const (
	DLPKindMessageText = "message_text"
	DLPKindNoticeText  = "notice_text"
	DLPKindFileName    = "file_name"
	DLPKindFileText    = "file_text"

	DLPTakenBlocked   = "blocked"
	DLPTakenCancelled = "cancelled"
	DLPTakenWarnSent  = "sent_after_warning"
	DLPTakenSent      = "sent"
)

// DLPHitsResponse answers POST /api/v1/dlp/hits: the action the server's rules decide
// for those hits at that level.
type DLPHitsResponse struct {
	Action DLPAction `json:"action"`
}
