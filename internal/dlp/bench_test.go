package dlp_test

import (
	"strings"
	"testing"

	"govchat/internal/dlp"
	"govchat/protocol"
)

// BenchmarkScan4000 scans a 4,000-character message (Chinese text with numbers, a
// marking, keywords) with the corpus's rules plus 50 keywords and 10 patterns: the
// budget is 1 ms a message (BENCHMARKS.md). Patterns that begin with a literal (合同
// numbers such as HT-\d{4}) are the usual kind; patterns that begin with a class make
// Go's engine try every position, the worst case.
func BenchmarkScan4000(b *testing.B) {
	b.Run("built-in rules only", func(b *testing.B) { benchScan(b, nil) })
	b.Run("literal-led patterns", func(b *testing.B) {
		benchScan(b, func(i int) string { return "Z" + string(rune('A'+i)) + `-\d{4}-\d{3}` })
	})
	b.Run("class-led patterns", func(b *testing.B) {
		benchScan(b, func(i int) string { return `[A-Z]{2}-\d{4}-` + string(rune('0'+i)) })
	})
}

func benchScan(b *testing.B, pattern func(int) string) {
	c := loadCorpus(b)
	rules := c.Rules
	if pattern == nil {
		rules = protocol.DefaultDLPRules()
	}
	kws := make([]string, 50)
	for i := range kws {
		kws[i] = "项目代号" + string(rune('甲'+i))
	}
	if pattern != nil {
		rules = append(rules, protocol.DLPRule{ID: "kw_more", Kind: protocol.DLPKeyword, Name: "代号", Keywords: kws, Actions: acts(protocol.DLPWarn)})
		for i := 0; i < 10; i++ {
			rules = append(rules, protocol.DLPRule{ID: "re_" + string(rune('a'+i)), Kind: protocol.DLPRegex, Name: "r",
				Pattern: pattern(i), Actions: acts(protocol.DLPAlert)})
		}
	}
	if _, err := dlp.Validate(rules); err != nil {
		b.Fatal(err)
	}
	m, err := dlp.Compile(rules)
	if err != nil {
		b.Fatal(err)
	}
	para := "关于2024年度财政预算执行情况的通知(秘密★1年),请各单位于本周五前报送HT-2024-001,联系人电话138-0013-8000,卡号6222020012345671。"
	text := []rune(strings.Repeat(para, 4000/len([]rune(para))+1))[:4000]
	s := string(text)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if len(m.Scan(s)) == 0 {
			b.Fatal("no hits")
		}
	}
}
