package passwd

import (
	"errors"
	"strings"
	"testing"
)

func TestPolicyCheck(t *testing.T) {
	tests := []struct {
		name, password, username string
		want                     string // reason, "" for accepted
	}{
		{"three classes", "correcthorse7!", "alice", ""},
		{"four classes", "Tr0ub4dor&3", "alice", ""},
		{"upper lower digit", "Password1234", "alice", ""},
		{"chinese with latin letters", "政府办公室Ab2024年", "alice", ""},
		{"chinese counts as other", "我的办公室abc123", "alice", ""},
		{"exactly min length", "Abcdefgh1!", "alice", ""},
		{"exactly max length", strings.Repeat("Ab1", 42) + "Ab", "alice", ""},
		{"max length in chinese", strings.Repeat("中", 126) + "a1", "alice", ""},

		{"empty", "", "alice", ReasonTooShort},
		{"one under min", "Abcdefg1!", "alice", ReasonTooShort},
		{"short in runes though long in bytes", "我爱北京天安门A1", "alice", ReasonTooShort},
		{"one over max", strings.Repeat("Ab1", 43), "alice", ReasonTooLong},
		// 128 four-byte characters are 512 bytes, within the bound, but one more
		// byte is not.
		{"over max bytes within max runes", strings.Repeat("😀", 128) + "a", "alice", ReasonTooLong},

		{"same as username", "Zhang.Wei.2024", "Zhang.Wei.2024", ReasonSameAsUsername},
		{"same as username ignoring case", "zhang.wei.2024", "ZHANG.WEI.2024", ReasonSameAsUsername},
		{"username empty is not matched", "Password1234", "", ""},

		{"lowercase only", "correcthorsebattery", "alice", ReasonTooSimple},
		{"digits only", "12345678901", "alice", ReasonTooSimple},
		{"lower and digits", "password1234", "alice", ReasonTooSimple},
		{"chinese passphrase of ten characters", "我的办公室在三楼东边第二间", "alice", ""},
		{"chinese passphrase of exactly ten", "办公室在三楼东边二间", "alice", ""},
		{"nine chinese characters and a digit are too simple", "办公室在三楼东边二9", "alice", ReasonTooSimple},
		{"chinese and digits", "我的办公室在三楼2024", "alice", ReasonTooSimple},
		{"non-ascii digits are other", "abcdefgh١٢٣", "alice", ReasonTooSimple},
	}
	p := DefaultPolicy()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.Check(tt.password, tt.username)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Check(%q) = %v, want nil", tt.password, err)
				}
				return
			}
			var pe *PolicyError
			if !errors.As(err, &pe) || pe.Reason != tt.want {
				t.Fatalf("Check(%q) = %v, want reason %q", tt.password, err, tt.want)
			}
		})
	}
}

// Whatever the policy lets through, the Hasher must accept.
func TestPolicyAcceptsOnlyHashablePasswords(t *testing.T) {
	p := Policy{MinLen: 1, MaxLen: 1000}
	pw := strings.Repeat("中", MaxPasswordBytes/3) + "aB" // 512 bytes
	if err := p.Check(pw, ""); err != nil {
		t.Fatalf("Check(%d bytes) = %v", len(pw), err)
	}
	if _, err := NewHasher(fastParams()).Hash(pw); err != nil {
		t.Fatalf("Hash of a policy-accepted password: %v", err)
	}
	if err := p.Check(pw+"1", ""); err == nil {
		t.Fatalf("Check(%d bytes) accepted a password the Hasher refuses", len(pw)+1)
	}
}
