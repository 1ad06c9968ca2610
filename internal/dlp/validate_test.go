package dlp_test

import (
	"errors"
	"strings"
	"testing"

	"govchat/internal/apperr"
	"govchat/internal/dlp"
	"govchat/protocol"
)

func TestCheckPattern(t *testing.T) {
	cases := []struct {
		pattern string
		reason  string // "" = accepted
	}{
		{`HT-\d{4}-\d{3}`, ""},
		{`(?:\d{4} ){3}\d{4}`, ""},
		{`[A-Z]{2}\d+`, ""},
		{`(?:ab)+c`, ""},
		{`(?:a|b)+c`, ""}, // one character either way: a class
		{`项目[甲乙丙]号`, ""},
		{`[\-+]\d`, ""},
		{`(a+)+`, dlp.ReasonNestedQuantifier},
		{`(a*)*b`, dlp.ReasonNestedQuantifier},
		{`(a|aa)+`, dlp.ReasonNestedQuantifier},
		{`(?:x\d?)+`, dlp.ReasonNestedQuantifier},
		{`(\w+\s?)*$`, dlp.ReasonNestedQuantifier},
		{`(?:a{1,3}){2,5}`, dlp.ReasonNestedQuantifier},
		{`(a)\1`, dlp.ReasonBackreference},
		{`(?<n>a)\k<n>`, dlp.ReasonUnportable},
		{`a(?=b)`, dlp.ReasonLookaround},
		{`a(?!b)`, dlp.ReasonLookaround},
		{`(?<=a)b`, dlp.ReasonLookaround},
		{`(?<!a)b`, dlp.ReasonLookaround},
		{`(?i)abc`, dlp.ReasonUnportable},
		{`(?P<n>a)`, dlp.ReasonUnportable},
		{`abc\z`, dlp.ReasonUnportable},
		{`\Qa.b\E`, dlp.ReasonUnportable},
		{`[[:alpha:]]+`, dlp.ReasonUnportable},
		{`\pL+`, dlp.ReasonUnportable},
		{`a\-b`, dlp.ReasonUnportable},
		{`[]a]`, dlp.ReasonUnportable},
		{`a{1000}`, dlp.ReasonRepeatTooLarge},
		{`a{2,101}`, dlp.ReasonRepeatTooLarge},
		{`(abc`, dlp.ReasonNoCompile},
		{`a**`, dlp.ReasonNoCompile},
		{`a\`, dlp.ReasonNoCompile},
		{``, dlp.ReasonNoCompile},
		{`a*`, dlp.ReasonMatchesEmpty},
		{`x?`, dlp.ReasonMatchesEmpty},
		{strings.Repeat("a", protocol.DLPMaxPatternBytes+1), dlp.ReasonTooLong},
	}
	for _, tc := range cases {
		t.Run(tc.pattern, func(t *testing.T) {
			e := dlp.CheckPattern(tc.pattern)
			switch {
			case tc.reason == "" && e != nil:
				t.Fatalf("refused: %v", e)
			case tc.reason != "" && e == nil:
				t.Fatalf("accepted, want %s", tc.reason)
			case tc.reason != "" && e.Reason != tc.reason:
				t.Fatalf("refused as %v, want %s", e, tc.reason)
			}
		})
	}
}

func withRule(r protocol.DLPRule) []protocol.DLPRule { return append(protocol.DefaultDLPRules(), r) }

func acts(a protocol.DLPAction) []protocol.DLPAction { return []protocol.DLPAction{a, a, a, a} }

func TestValidate(t *testing.T) {
	manyKeywords := make([]string, protocol.DLPMaxKeywords+1)
	for i := range manyKeywords {
		manyKeywords[i] = "词" + strings.Repeat("x", i%60) + string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	manyRegex := protocol.DefaultDLPRules()
	for i := 0; i <= protocol.DLPMaxRegexRules; i++ {
		manyRegex = append(manyRegex, protocol.DLPRule{ID: "re_" + string(rune('a'+i%26)) + string(rune('a'+i/26)),
			Kind: protocol.DLPRegex, Name: "r", Pattern: `HT\d`, Actions: acts(protocol.DLPWarn)})
	}
	cases := []struct {
		name   string
		rules  []protocol.DLPRule
		field  string
		reason string
	}{
		{"a built-in rule missing", protocol.DefaultDLPRules()[1:], "rules", ""},
		{"an unknown built-in", withRule(protocol.DLPRule{ID: "passport", Kind: protocol.DLPBuiltin, Name: "护照", Actions: acts(protocol.DLPWarn)}), "rules[4].id", ""},
		{"an id used twice", withRule(protocol.DLPRule{ID: "mobile", Kind: protocol.DLPKeyword, Name: "x", Keywords: []string{"a"}, Actions: acts(protocol.DLPWarn)}), "rules[4].id", ""},
		{"a bad id", withRule(protocol.DLPRule{ID: "Bad-Id", Kind: protocol.DLPKeyword, Name: "x", Keywords: []string{"a"}, Actions: acts(protocol.DLPWarn)}), "rules[4].id", ""},
		{"three actions", withRule(protocol.DLPRule{ID: "k", Kind: protocol.DLPKeyword, Name: "x", Keywords: []string{"a"}, Actions: []protocol.DLPAction{"warn", "warn", "warn"}}), "rules[4].actions", ""},
		{"an unknown action", withRule(protocol.DLPRule{ID: "k", Kind: protocol.DLPKeyword, Name: "x", Keywords: []string{"a"}, Actions: []protocol.DLPAction{"warn", "warn", "shout", "warn"}}), "rules[4].actions[2]", ""},
		{"no name", withRule(protocol.DLPRule{ID: "k", Kind: protocol.DLPKeyword, Name: " ", Keywords: []string{"a"}, Actions: acts(protocol.DLPWarn)}), "rules[4].name", ""},
		{"no keywords", withRule(protocol.DLPRule{ID: "k", Kind: protocol.DLPKeyword, Name: "x", Actions: acts(protocol.DLPWarn)}), "rules[4].keywords", ""},
		{"an empty keyword", withRule(protocol.DLPRule{ID: "k", Kind: protocol.DLPKeyword, Name: "x", Keywords: []string{"a", " "}, Actions: acts(protocol.DLPWarn)}), "rules[4].keywords[1]", ""},
		{"a keyword over 64 characters", withRule(protocol.DLPRule{ID: "k", Kind: protocol.DLPKeyword, Name: "x", Keywords: []string{strings.Repeat("密", 65)}, Actions: acts(protocol.DLPWarn)}), "rules[4].keywords[0]", ""},
		{"a keyword of control characters", withRule(protocol.DLPRule{ID: "k", Kind: protocol.DLPKeyword, Name: "x", Keywords: []string{"a\x01b"}, Actions: acts(protocol.DLPWarn)}), "rules[4].keywords[0]", ""},
		{"over 200 keywords", withRule(protocol.DLPRule{ID: "k", Kind: protocol.DLPKeyword, Name: "x", Keywords: manyKeywords, Actions: acts(protocol.DLPWarn)}), "rules[4].keywords", ""},
		{"over 50 patterns", manyRegex, "rules[54]", ""},
		{"a runaway pattern", withRule(protocol.DLPRule{ID: "r", Kind: protocol.DLPRegex, Name: "x", Pattern: `(a+)+$`, Actions: acts(protocol.DLPWarn)}), "rules[4].pattern", dlp.ReasonNestedQuantifier},
		{"a pattern that does not compile", withRule(protocol.DLPRule{ID: "r", Kind: protocol.DLPRegex, Name: "x", Pattern: `[a-`, Actions: acts(protocol.DLPWarn)}), "rules[4].pattern", dlp.ReasonNoCompile},
		{"a backreference", withRule(protocol.DLPRule{ID: "r", Kind: protocol.DLPRegex, Name: "x", Pattern: `(\d)\1`, Actions: acts(protocol.DLPWarn)}), "rules[4].pattern", dlp.ReasonBackreference},
		{"an unknown kind", withRule(protocol.DLPRule{ID: "r", Kind: "magic", Name: "x", Actions: acts(protocol.DLPWarn)}), "rules[4].kind", ""},
		{"a built-in with a pattern", append([]protocol.DLPRule{{ID: "id_card", Kind: protocol.DLPBuiltin, Name: "x", Pattern: "a", Actions: acts(protocol.DLPWarn)}}, protocol.DefaultDLPRules()[1:]...), "rules[0]", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dlp.Validate(tc.rules)
			var e *apperr.Error
			if !errors.As(err, &e) {
				t.Fatalf("Validate = %v, want a bad_request", err)
			}
			if e.Code != protocol.CodeBadRequest || e.Field != tc.field || e.Reason != tc.reason {
				t.Fatalf("Validate = %s field %q reason %q, want field %q reason %q", e.Code, e.Field, e.Reason, tc.field, tc.reason)
			}
		})
	}
	t.Run("tidies", func(t *testing.T) {
		got, err := dlp.Validate(withRule(protocol.DLPRule{ID: "k", Kind: protocol.DLPKeyword, Name: " 代号 ",
			Keywords: []string{" Falcon ", "falcon", "ＦＡＬＣＯＮ", "猎鹰"}, Actions: acts(protocol.DLPWarn)}))
		if err != nil {
			t.Fatal(err)
		}
		k := got[4]
		if k.Name != "代号" || len(k.Keywords) != 2 || k.Keywords[0] != "Falcon" || k.Keywords[1] != "猎鹰" {
			t.Fatalf("tidied = %+v", k)
		}
	})
}
