// Package dlp owns the data-loss-prevention rules (数据防泄漏, PROTOCOL.md §4.25): the
// matching engine (pure functions over text: Normalize, Compile, Matcher.Scan, Decide),
// the validation of the security officer's rules, and the service that keeps them,
// caches them on every node (dropped over the bus on each change, like
// internal/secrecy) and records hits in the audit trail as rule ids and counts, never
// the matched text.
//
// The browser runs the same engine in TypeScript (client-web/src/dlp/scan.ts) on file
// names and files' text; protocol/testdata/dlp_corpus.json holds both to the same
// answers. Change one, change the other and the corpus.
package dlp

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"govchat/protocol"
)

// Normalize is the text rules match against: full-width ASCII (０-９, Ａ-Ｚ, －…) folded to
// ASCII, the ideographic and other wide spaces to a space, dash look-alikes to '-', and
// zero-width characters dropped (they would otherwise hide a number from the rules).
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			b.WriteRune(r - 0xFEE0)
		case r == 0x3000 || r == 0x00A0 || r >= 0x2000 && r <= 0x200A || r == 0x202F || r == 0x205F:
			b.WriteByte(' ')
		case r >= 0x2010 && r <= 0x2015 || r == 0x2212 || r == 0xFE58 || r == 0xFE63:
			b.WriteByte('-')
		case r >= 0x200B && r <= 0x200D || r == 0x2060 || r == 0xFEFF:
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// lowerASCII lowers A–Z only, as the browser does: keywords match case-insensitively
// in Latin letters and exactly in everything else.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// secretMarks counts 密级 markings: 绝密, 机密 or 秘密, at most three spaces or tabs, the
// star — the pattern (?:绝密|机密|秘密)[ \t]{0,3}★, which the browser runs as a regular
// expression; here a search for the star is several times faster. What follows the star
// (a period such as 1年, 10年, 长期) is not needed to know it is a marking.
func secretMarks(s string) int {
	n := 0
	for i := 0; ; {
		j := strings.Index(s[i:], "★")
		if j < 0 {
			return n
		}
		at := i + j
		k := at
		for spaces := 0; spaces < 3 && k > 0 && (s[k-1] == ' ' || s[k-1] == '\t'); spaces++ {
			k--
		}
		if k >= 6 { // 绝密, 机密 and 秘密 are six bytes each
			switch s[k-6 : k] {
			case "绝密", "机密", "秘密":
				n++
			}
		}
		i = at + len("★")
	}
}

// Matcher is a compiled rule set.
type Matcher struct {
	rules []compiled
	// builtin says which built-in detectors the set has (they all are, once validated).
	builtin map[string]bool
}

type compiled struct {
	rule     protocol.DLPRule
	keywords []string // normalised and lowered
	re       *regexp.Regexp
}

// Compile prepares rules for scanning. Rules are expected to be valid (Validate); a
// pattern that does not compile is an error all the same.
func Compile(rules []protocol.DLPRule) (*Matcher, error) {
	m := &Matcher{builtin: map[string]bool{}}
	for _, r := range rules {
		c := compiled{rule: r}
		switch r.Kind {
		case protocol.DLPBuiltin:
			m.builtin[r.ID] = true
		case protocol.DLPKeyword:
			for _, k := range r.Keywords {
				if k = lowerASCII(Normalize(k)); k != "" {
					c.keywords = append(c.keywords, k)
				}
			}
		case protocol.DLPRegex:
			re, err := regexp.Compile(r.Pattern)
			if err != nil {
				return nil, err
			}
			c.re = re
		}
		m.rules = append(m.rules, c)
	}
	return m, nil
}

// Rules are the rules the matcher was compiled from.
func (m *Matcher) Rules() []protocol.DLPRule {
	out := make([]protocol.DLPRule, len(m.rules))
	for i, c := range m.rules {
		out[i] = c.rule
	}
	return out
}

// Scan is every rule's hits in text, in the rule set's order; rules without a hit are
// left out. It never returns what matched.
func (m *Matcher) Scan(text string) []protocol.DLPHit {
	if text == "" {
		return nil
	}
	norm := Normalize(text)
	var numbers map[string]int
	if m.builtin[protocol.DLPIDCard] || m.builtin[protocol.DLPMobile] || m.builtin[protocol.DLPBankCard] {
		numbers = scanNumbers(norm)
	}
	var lowered string
	var hits []protocol.DLPHit
	for _, c := range m.rules {
		n := 0
		switch c.rule.Kind {
		case protocol.DLPBuiltin:
			if c.rule.ID == protocol.DLPSecretMark {
				n = secretMarks(norm)
			} else {
				n = numbers[c.rule.ID]
			}
		case protocol.DLPKeyword:
			if lowered == "" {
				lowered = lowerASCII(norm)
			}
			for _, k := range c.keywords {
				n += strings.Count(lowered, k)
			}
		case protocol.DLPRegex:
			n = len(c.re.FindAllStringIndex(norm, -1))
		}
		if n > 0 {
			hits = append(hits, protocol.DLPHit{Rule: c.rule.ID, Count: n})
		}
	}
	return hits
}

// scanNumbers counts the resident ID, mobile and bank card numbers in normalised text.
// A number is a run of ASCII digits, single spaces or dashes between digits allowed
// (138 0013 8000, 6222-0200-…), an ID's X at its end, not touching a Latin letter or
// another digit (nor a decimal point with a digit beyond it). A run that is no number
// as a whole is tried piece by piece: two numbers written one after the other with a
// space between are two numbers.
func scanNumbers(s string) map[string]int {
	out := map[string]int{}
	n := len(s) // digits, spaces, dashes, X and '.' are one byte each: index bytes
	for i := 0; i < n; {
		if !isDigit(s[i]) {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			continue
		}
		start := i
		j := i + 1
		seps := false
		for j < n {
			if isDigit(s[j]) {
				j++
				continue
			}
			if (s[j] == ' ' || s[j] == '-') && j+1 < n && isDigit(s[j+1]) {
				seps = true
				j += 2
				continue
			}
			break
		}
		end := j
		if end < n && (s[end] == 'X' || s[end] == 'x') {
			end++
		}
		i = end
		if !boundaryBefore(s, start) || !boundaryAfter(s, end) {
			continue
		}
		run := s[start:end]
		if id := classify(strip(run)); id != "" {
			out[id]++
			continue
		}
		if !seps {
			continue
		}
		for _, chunk := range strings.FieldsFunc(run, func(r rune) bool { return r == ' ' || r == '-' }) {
			if id := classify(chunk); id != "" {
				out[id]++
			}
		}
	}
	return out
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func boundaryBefore(s string, i int) bool {
	if i == 0 {
		return true
	}
	c := s[i-1]
	if isAlnum(c) {
		return false
	}
	return !(c == '.' && i >= 2 && isDigit(s[i-2]))
}

func boundaryAfter(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	c := s[i]
	if isAlnum(c) {
		return false
	}
	return !(c == '.' && i+1 < len(s) && isDigit(s[i+1]))
}

// strip is a run without its separators.
func strip(run string) string {
	if !strings.ContainsAny(run, " -") {
		return run
	}
	b := make([]byte, 0, len(run))
	for i := 0; i < len(run); i++ {
		if run[i] != ' ' && run[i] != '-' {
			b = append(b, run[i])
		}
	}
	return string(b)
}

// classify says which kind of number d (digits, perhaps an X last) is, or "".
func classify(d string) string {
	switch {
	case IsIDCard(d):
		return protocol.DLPIDCard
	case strings.ContainsAny(d, "Xx"):
		return ""
	case isMobile(d) || len(d) == 13 && d[:2] == "86" && isMobile(d[2:]):
		return protocol.DLPMobile
	case IsBankCard(d):
		return protocol.DLPBankCard
	}
	return ""
}

// isMobile: 11 digits, 1 then 3–9.
func isMobile(d string) bool {
	return len(d) == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9'
}

// provinces are the first two digits of GB/T 2260 administrative codes.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true, "83": true, "91": true,
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// IsIDCard reports whether d is an 18-character resident ID number (GB 11643-1999): a
// province's code, a birth date that exists between 1900 and 2099, and the ISO 7064
// MOD 11-2 check character (X for 10).
func IsIDCard(d string) bool {
	if len(d) != 18 || !provinces[d[:2]] {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		if !isDigit(d[i]) {
			return false
		}
		sum += int(d[i]-'0') * idWeights[i]
	}
	want := "10X98765432"[sum%11]
	last := d[17]
	if last == 'x' {
		last = 'X'
	}
	if last != want {
		return false
	}
	return validDate(atoi(d[6:10]), atoi(d[10:12]), atoi(d[12:14]))
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func validDate(y, m, d int) bool {
	if y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [12]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
	if m == 2 && (y%4 == 0 && y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}

// IsBankCard reports whether d is a payment card number: 13–19 digits, not all one
// digit, starting as a card network's do (UnionPay 62 and the 6/9 debit ranges,
// Visa 4, Mastercard 5 and 2221–2720, Amex/JCB/Diners 3), and passing the Luhn check.
func IsBankCard(d string) bool {
	if len(d) < 13 || len(d) > 19 {
		return false
	}
	same := true
	for i := 0; i < len(d); i++ {
		if !isDigit(d[i]) {
			return false
		}
		same = same && d[i] == d[0]
	}
	if same {
		return false
	}
	switch d[0] {
	case '3', '4', '5', '6', '9':
	case '2':
		if p := atoi(d[:4]); p < 2221 || p > 2720 {
			return false
		}
	default:
		return false
	}
	return luhn(d)
}

func luhn(d string) bool {
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}
