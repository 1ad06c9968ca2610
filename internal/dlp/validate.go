package dlp

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"

	"govchat/internal/apperr"
	"govchat/internal/textcheck"
	"govchat/protocol"
)

// Reasons a pattern is refused: the error's reason names one (PROTOCOL.md §4.25).
const (
	ReasonTooLong          = "too_long"
	ReasonNoCompile        = "does_not_compile"
	ReasonBackreference    = "backreference"
	ReasonLookaround       = "lookaround"
	ReasonNestedQuantifier = "nested_quantifier"
	ReasonRepeatTooLarge   = "repeat_too_large"
	ReasonUnportable       = "unportable"
	ReasonMatchesEmpty     = "matches_empty"
)

// PatternError is why a pattern is refused.
type PatternError struct {
	Reason string
	Detail string
}

func (e *PatternError) Error() string { return e.Reason + ": " + e.Detail }

// CheckPattern refuses a pattern that is too long, does not compile in Go's RE2, or could
// run away or mean something else in a browser's backtracking engine (the browser runs
// the same rules on files): backreferences, lookaround, a quantified group holding
// another quantifier or an alternation ((a+)+, (a*)*, (a|aa)+), a repeat above
// {DLPMaxRepeat}, syntax only one of the two engines reads ((?i), (?P<n>…), \z, \Q…\E,
// [[:alpha:]], \pL), and a pattern that matches empty text (its count would mean
// nothing). Browsers compile the pattern with the u flag.
func CheckPattern(p string) *PatternError {
	if p == "" {
		return &PatternError{ReasonNoCompile, "the pattern is empty"}
	}
	if len(p) > protocol.DLPMaxPatternBytes {
		return &PatternError{ReasonTooLong, fmt.Sprintf("the pattern has %d bytes; at most %d", len(p), protocol.DLPMaxPatternBytes)}
	}
	if !utf8.ValidString(p) {
		return &PatternError{ReasonNoCompile, "the pattern is not valid UTF-8"}
	}
	if e := scanSyntax(p); e != nil {
		return e
	}
	re, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return &PatternError{ReasonNoCompile, err.Error()}
	}
	if e := checkTree(re, false); e != nil {
		return e
	}
	c, err := regexp.Compile(p)
	if err != nil {
		return &PatternError{ReasonNoCompile, err.Error()}
	}
	if c.MatchString("") {
		return &PatternError{ReasonMatchesEmpty, "the pattern matches empty text; every text would count"}
	}
	return nil
}

// syntaxChars are those a browser's u-flag pattern may escape outside a class.
const syntaxChars = `^$\.*+?()[]{}|/`

// scanSyntax reads the raw pattern for what RE2's parser would either refuse with a
// vaguer message (backreferences, lookaround) or accept though browsers read it
// differently.
func scanSyntax(p string) *PatternError {
	inClass := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\':
			if i+1 >= len(p) {
				return &PatternError{ReasonNoCompile, "the pattern ends in a lone \\"}
			}
			n := p[i+1]
			i++
			switch {
			case n >= '1' && n <= '9' || n == 'k':
				return &PatternError{ReasonBackreference, fmt.Sprintf(`\%c refers back to a group: not allowed`, n)}
			case n == 'Q' || n == 'E' || n == 'z' || n == 'A' || n == 'C':
				return &PatternError{ReasonUnportable, fmt.Sprintf(`\%c is not read by browsers`, n)}
			case n == 'p' || n == 'P':
				return &PatternError{ReasonUnportable, `Unicode classes (\p…) are not allowed`}
			case n < 0x80 && !isAlnum(n) && !strings.ContainsRune(syntaxChars, rune(n)) && !(inClass && n == '-'):
				return &PatternError{ReasonUnportable, fmt.Sprintf(`\%c: browsers allow escaping only %s (and - in a class)`, n, syntaxChars)}
			}
		case inClass:
			if c == ']' {
				inClass = false
			} else if c == '[' && i+1 < len(p) && p[i+1] == ':' {
				return &PatternError{ReasonUnportable, "[[:name:]] classes are not read by browsers"}
			}
		case c == '[':
			inClass = true
			if i+1 < len(p) && p[i+1] == '^' {
				i++
			}
			if i+1 < len(p) && p[i+1] == ']' {
				i++ // a leading ] is a literal to RE2 and an empty class to browsers
				return &PatternError{ReasonUnportable, "[] and []…] mean different things in browsers; escape the ]"}
			}
		case c == '(' && i+1 < len(p) && p[i+1] == '?':
			rest := p[i+2:]
			switch {
			case strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, "!") ||
				strings.HasPrefix(rest, "<=") || strings.HasPrefix(rest, "<!"):
				return &PatternError{ReasonLookaround, "lookahead and lookbehind are not allowed"}
			case !strings.HasPrefix(rest, ":"):
				return &PatternError{ReasonUnportable, "only (?:…) groups are allowed: flags and named groups differ between engines"}
			}
		}
	}
	return nil
}

// checkTree refuses nested quantifiers, alternations under a quantifier and large
// repeats. repeated says an enclosing quantifier repeats this part more than once. A
// fixed count ({4}) inside a repeat is allowed: it offers the engine no choice, so
// (?:\d{4} ){3} stays linear.
func checkTree(re *syntax.Regexp, repeated bool) *PatternError {
	switch re.Op {
	case syntax.OpStar, syntax.OpPlus, syntax.OpRepeat, syntax.OpQuest:
		if re.Op == syntax.OpRepeat && (re.Max > protocol.DLPMaxRepeat || re.Min > protocol.DLPMaxRepeat) {
			return &PatternError{ReasonRepeatTooLarge, fmt.Sprintf("a repeat above {%d}", protocol.DLPMaxRepeat)}
		}
		fixed := re.Op == syntax.OpRepeat && re.Min == re.Max
		if repeated && !fixed {
			return &PatternError{ReasonNestedQuantifier, "a repeated group holds another quantifier, as in (a+)+ or (a*)*"}
		}
		many := re.Op == syntax.OpStar || re.Op == syntax.OpPlus || re.Op == syntax.OpRepeat && (re.Max == -1 || re.Max > 1)
		return checkTree(re.Sub[0], repeated || many)
	case syntax.OpAlternate:
		if repeated {
			return &PatternError{ReasonNestedQuantifier, "a repeated group holds alternatives, as in (a|aa)+: use a character class"}
		}
	}
	for _, s := range re.Sub {
		if e := checkTree(s, repeated); e != nil {
			return e
		}
	}
	return nil
}

// Validate checks a rule set as PUT /api/v1/dlp/rules gets it and returns it tidied
// (names and keywords trimmed, keywords deduplicated). Each refusal is a bad_request
// naming the field (rules[i].pattern) and, for a pattern, the reason.
func Validate(rules []protocol.DLPRule) ([]protocol.DLPRule, error) {
	if len(rules) > protocol.DLPMaxRules {
		return nil, apperr.BadField("rules", "at most %d rules", protocol.DLPMaxRules)
	}
	seen := map[string]bool{}
	builtins := protocol.DLPBuiltinIDs()
	keywords, regexes := 0, 0
	out := make([]protocol.DLPRule, 0, len(rules))
	for i, r := range rules {
		field := fmt.Sprintf("rules[%d]", i)
		if seen[r.ID] {
			return nil, apperr.BadField(field+".id", "rule %d: the id %q is used twice", i, r.ID)
		}
		seen[r.ID] = true
		name, err := textcheck.Field(field+".name", r.Name, protocol.DLPMaxNameRunes, true, false)
		if err != nil {
			return nil, err
		}
		r.Name = name
		if len(r.Actions) != protocol.NumSecrecyLevels {
			return nil, apperr.BadField(field+".actions", "rule %d: one action per secrecy level, %d of them", i, protocol.NumSecrecyLevels)
		}
		for j, a := range r.Actions {
			switch a {
			case protocol.DLPOff, protocol.DLPWarn, protocol.DLPBlock, protocol.DLPAlert:
			default:
				return nil, apperr.BadField(fmt.Sprintf("%s.actions[%d]", field, j), "rule %d: action %q is not off, warn, block or alert", i, a)
			}
		}
		switch r.Kind {
		case protocol.DLPBuiltin:
			if !slices.Contains(builtins, r.ID) {
				return nil, apperr.BadField(field+".id", "rule %d: there is no built-in rule %q", i, r.ID)
			}
			if len(r.Keywords) > 0 || r.Pattern != "" {
				return nil, apperr.BadField(field, "rule %d: a built-in rule has no keywords or pattern", i)
			}
		case protocol.DLPKeyword:
			if err := checkOwnID(field, i, r.ID, builtins); err != nil {
				return nil, err
			}
			if r.Pattern != "" {
				return nil, apperr.BadField(field+".pattern", "rule %d: a keyword rule has no pattern", i)
			}
			kws, err := checkKeywords(field, i, r.Keywords)
			if err != nil {
				return nil, err
			}
			r.Keywords = kws
			if keywords += len(kws); keywords > protocol.DLPMaxKeywords {
				return nil, apperr.BadField(field+".keywords", "at most %d keywords in all", protocol.DLPMaxKeywords)
			}
		case protocol.DLPRegex:
			if err := checkOwnID(field, i, r.ID, builtins); err != nil {
				return nil, err
			}
			if len(r.Keywords) > 0 {
				return nil, apperr.BadField(field+".keywords", "rule %d: a pattern rule has no keywords", i)
			}
			if regexes++; regexes > protocol.DLPMaxRegexRules {
				return nil, apperr.BadField(field, "at most %d pattern rules", protocol.DLPMaxRegexRules)
			}
			if pe := CheckPattern(r.Pattern); pe != nil {
				e := apperr.BadField(field+".pattern", "rule %d: %s", i, pe.Detail)
				e.Reason = pe.Reason
				return nil, e
			}
		default:
			return nil, apperr.BadField(field+".kind", "rule %d: kind %q is not builtin, keyword or regex", i, r.Kind)
		}
		out = append(out, r)
	}
	for _, id := range builtins {
		if !seen[id] {
			return nil, apperr.BadField("rules", "the built-in rule %q is missing: each is listed once (turn it off instead)", id)
		}
	}
	return out, nil
}

// checkOwnID: an officer's rule's id is [a-z][a-z0-9_]{0,31} and not a built-in's.
func checkOwnID(field string, i int, id string, builtins []string) error {
	ok := len(id) >= 1 && len(id) <= 32 && id[0] >= 'a' && id[0] <= 'z'
	for j := 0; ok && j < len(id); j++ {
		c := id[j]
		ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
	}
	if !ok {
		return apperr.BadField(field+".id", "rule %d: an id is a lower-case letter then up to 31 letters, digits or _", i)
	}
	if slices.Contains(builtins, id) {
		return apperr.BadField(field+".id", "rule %d: %q is a built-in rule's id", i, id)
	}
	return nil
}

func checkKeywords(field string, i int, kws []string) ([]string, error) {
	if len(kws) == 0 {
		return nil, apperr.BadField(field+".keywords", "rule %d: a keyword rule needs at least one keyword", i)
	}
	if len(kws) > protocol.DLPMaxKeywords {
		return nil, apperr.BadField(field+".keywords", "at most %d keywords in all", protocol.DLPMaxKeywords)
	}
	out := make([]string, 0, len(kws))
	seen := map[string]bool{}
	for j, k := range kws {
		f := fmt.Sprintf("%s.keywords[%d]", field, j)
		k, err := textcheck.Field(f, k, protocol.DLPMaxKeywordRunes, true, false)
		if err != nil {
			return nil, err
		}
		key := lowerASCII(Normalize(k))
		if key == "" || strings.TrimSpace(key) == "" {
			return nil, apperr.BadField(f, "rule %d: the keyword is only invisible characters", i)
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, k)
	}
	return out, nil
}
