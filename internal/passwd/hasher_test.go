package passwd

import (
	"context"
	"errors"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fastParams keeps tests quick; the code paths are the same as with DefaultParams.
func fastParams() Params {
	return Params{Memory: 256, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}
}

func TestHashFormat(t *testing.T) {
	h := NewHasher(DefaultParams())
	a, err := h.Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	p := DefaultParams()
	want := regexp.MustCompile(`^\$argon2id\$v=19\$m=` + itoa(p.Memory) + `,t=` + itoa(p.Iterations) +
		`,p=` + itoa(uint32(p.Parallelism)) + `\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !want.MatchString(a) {
		t.Errorf("Hash = %q, want match for %s", a, want)
	}
	b, err := h.Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Error("two hashes of the same password are equal: salt is not random")
	}
}

// Hashes made by the reference C implementation (libargon2 20171227,
// argon2id_hash_encoded) must verify, so hashes can move between implementations.
func TestVerifyReferenceVectors(t *testing.T) {
	tests := []struct {
		name, password, encoded string
	}{
		{"ascii, m=64MiB t=2 p=2", "correct horse battery staple",
			"$argon2id$v=19$m=65536,t=2,p=2$Z292Y2hhdC1zYWx0LTE2Yg$ezOglUbKkCqrY08pNeCLwH7d3ZWurfTkouFWQZiDEOg"},
		{"chinese, m=256KiB t=1 p=1", "政府办公室2024年Ab",
			"$argon2id$v=19$m=256,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$ewyxZpt/oCJnxAxnM8k9yl0MjBv1RgnNP1dveAR5zG0"},
	}
	h := NewHasher(fastParams())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, _, err := h.Verify(tt.password, tt.encoded)
			if err != nil || !ok {
				t.Fatalf("Verify(right password) = %v, %v; want true, nil", ok, err)
			}
			ok, _, err = h.Verify(tt.password+"x", tt.encoded)
			if err != nil || ok {
				t.Fatalf("Verify(wrong password) = %v, %v; want false, nil", ok, err)
			}
		})
	}
}

func TestHashThenVerify(t *testing.T) {
	tests := []struct {
		name, password, wrong string
	}{
		{"ascii", "Tr0ub4dor&3x", "Tr0ub4dor&3X"},
		{"chinese passphrase", "我的办公室在三楼东边第二间", "我的办公室在三楼东边第三间"},
		{"empty", "", " "},
		{"max bytes", strings.Repeat("a", MaxPasswordBytes), strings.Repeat("a", MaxPasswordBytes-1)},
		{"nul byte", "pass\x00word", "pass"},
	}
	h := NewHasher(fastParams())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, err := h.Hash(tt.password)
			if err != nil {
				t.Fatal(err)
			}
			ok, rehash, err := h.Verify(tt.password, enc)
			if !ok || rehash || err != nil {
				t.Errorf("Verify(right) = %v, %v, %v; want true, false, nil", ok, rehash, err)
			}
			ok, rehash, err = h.Verify(tt.wrong, enc)
			if ok || rehash || err != nil {
				t.Errorf("Verify(wrong) = %v, %v, %v; want false, false, nil", ok, rehash, err)
			}
		})
	}
}

func TestVerifyNeedsRehash(t *testing.T) {
	old := fastParams()
	changed := map[string]func(*Params){
		"memory":      func(p *Params) { p.Memory *= 2 },
		"iterations":  func(p *Params) { p.Iterations++ },
		"parallelism": func(p *Params) { p.Parallelism++ },
		"salt length": func(p *Params) { p.SaltLen = 32 },
		"key length":  func(p *Params) { p.KeyLen = 64 },
	}
	enc, err := NewHasher(old).Hash("Password123!")
	if err != nil {
		t.Fatal(err)
	}
	for name, change := range changed {
		t.Run("after changing "+name, func(t *testing.T) {
			p := old
			change(&p)
			ok, rehash, err := NewHasher(p).Verify("Password123!", enc)
			if !ok || !rehash || err != nil {
				t.Errorf("Verify = %v, %v, %v; want true, true, nil", ok, rehash, err)
			}
			ok, rehash, err = NewHasher(p).Verify("wrong", enc)
			if ok || rehash || err != nil {
				t.Errorf("Verify(wrong) = %v, %v, %v; want false, false, nil (no rehash hint for a wrong password)", ok, rehash, err)
			}
		})
	}
}

func TestVerifyRefusesBadStoredHashes(t *testing.T) {
	const salt, key = "MDEyMzQ1Njc4OWFiY2RlZg", "ewyxZpt/oCJnxAxnM8k9yl0MjBv1RgnNP1dveAR5zG0"
	tests := []struct {
		name, encoded string
		want          error
	}{
		{"empty", "", ErrMalformedHash},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", ErrUnsupportedHash},
		{"argon2i", "$argon2i$v=19$m=256,t=1,p=1$" + salt + "$" + key, ErrUnsupportedHash},
		{"argon2 v1.0", "$argon2id$v=16$m=256,t=1,p=1$" + salt + "$" + key, ErrUnsupportedHash},
		{"missing version", "$argon2id$m=256,t=1,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"no leading $", "argon2id$v=19$m=256,t=1,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"extra field", "$argon2id$v=19$m=256,t=1,p=1$" + salt + "$" + key + "$", ErrMalformedHash},
		{"params out of order", "$argon2id$v=19$t=1,m=256,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"missing param", "$argon2id$v=19$m=256,t=1$" + salt + "$" + key, ErrMalformedHash},
		{"negative", "$argon2id$v=19$m=256,t=-1,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"leading zero", "$argon2id$v=19$m=0256,t=1,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"uint32 overflow", "$argon2id$v=19$m=4294967296,t=1,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"parallelism overflow", "$argon2id$v=19$m=256,t=1,p=256$" + salt + "$" + key, ErrMalformedHash},
		{"padded salt", "$argon2id$v=19$m=256,t=1,p=1$" + salt + "==$" + key, ErrMalformedHash},
		{"newline in key", "$argon2id$v=19$m=256,t=1,p=1$" + salt + "$" + key[:10] + "\n" + key[10:], ErrMalformedHash},
		{"url base64", "$argon2id$v=19$m=256,t=1,p=1$" + salt + "$" + strings.ReplaceAll(key, "/", "_"), ErrMalformedHash},
		{"too long", "$argon2id$v=19$m=256,t=1,p=1$" + salt + "$" + strings.Repeat("A", 300), ErrMalformedHash},
		{"4 GiB memory", "$argon2id$v=19$m=4194304,t=1,p=1$" + salt + "$" + key, ErrInvalidParams},
		{"a million passes", "$argon2id$v=19$m=256,t=1000000,p=1$" + salt + "$" + key, ErrInvalidParams},
		{"max memory × max passes", "$argon2id$v=19$m=262144,t=16,p=1$" + salt + "$" + key, ErrInvalidParams},
		{"zero passes", "$argon2id$v=19$m=256,t=0,p=1$" + salt + "$" + key, ErrInvalidParams},
		{"memory below 8 KiB per lane", "$argon2id$v=19$m=16,t=1,p=4$" + salt + "$" + key, ErrInvalidParams},
		{"short salt", "$argon2id$v=19$m=256,t=1,p=1$AAAA$" + key, ErrInvalidParams},
		{"short key", "$argon2id$v=19$m=256,t=1,p=1$" + salt + "$AAAAAAAA", ErrInvalidParams},
	}
	h := NewHasher(fastParams())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			ok, rehash, err := h.Verify("政府办公室2024年Ab", tt.encoded)
			if ok || rehash || !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, %v, %v; want false, false, %v", ok, rehash, err, tt.want)
			}
			// Refused before any hashing: a tampered row costs nothing.
			if d := time.Since(start); d > 500*time.Millisecond {
				t.Errorf("refusing took %v", d)
			}
		})
	}
}

func TestPasswordOverMaxBytes(t *testing.T) {
	h := NewHasher(fastParams())
	long := strings.Repeat("长", MaxPasswordBytes/3+1) // 3 bytes each: over the bound

	if _, err := h.Hash(long); !errors.Is(err, ErrPasswordTooLong) {
		t.Errorf("Hash = %v, want ErrPasswordTooLong", err)
	}
	enc, err := h.Hash("whatever")
	if err != nil {
		t.Fatal(err)
	}
	if ok, rehash, err := h.Verify(long, enc); ok || rehash || err != nil {
		t.Errorf("Verify = %v, %v, %v; want false, false, nil", ok, rehash, err)
	}
}

func TestGivesUpWaitingForASlot(t *testing.T) {
	h := NewHasher(fastParams())
	enc, err := h.Hash("Password123!")
	if err != nil {
		t.Fatal(err)
	}
	// Occupy every slot, as a flood of logins would.
	for range cap(h.sem) {
		h.sem <- struct{}{}
	}
	calls := map[string]func(context.Context) error{
		"HashContext": func(ctx context.Context) error {
			_, err := h.HashContext(ctx, "Password123!")
			return err
		},
		"VerifyContext": func(ctx context.Context) error {
			_, _, err := h.VerifyContext(ctx, "Password123!", enc)
			return err
		},
		"VerifyDummyContext": func(ctx context.Context) error {
			return h.VerifyDummyContext(ctx, "Password123!")
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			if err := call(ctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want DeadlineExceeded", err)
			}
		})
	}

	t.Run("proceeds once a slot frees", func(t *testing.T) {
		done := make(chan error, 1)
		go func() {
			_, _, err := h.VerifyContext(context.Background(), "Password123!", enc)
			done <- err
		}()
		select {
		case err := <-done:
			t.Fatalf("Verify ran with every slot taken (err %v)", err)
		case <-time.After(20 * time.Millisecond):
		}
		<-h.sem
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

// VerifyDummy must cost what a real verify costs, or login timing tells an attacker
// which usernames exist. A dummy that skipped the hash would be ~1000× faster; the
// bound is a factor of ten either way so that a busy two-core machine running other
// test packages alongside cannot fail it (it did at 2×).
func TestVerifyDummyTakesAsLongAsVerify(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	p := Params{Memory: 16 * 1024, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}
	h := NewHasher(p)
	enc, err := h.Hash("Password123!")
	if err != nil {
		t.Fatal(err)
	}
	median := func(f func()) time.Duration {
		var ds []time.Duration
		for range 7 {
			start := time.Now()
			f()
			ds = append(ds, time.Since(start))
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[len(ds)/2]
	}
	real := median(func() { _, _, _ = h.Verify("wrong password", enc) })
	dummy := median(func() { h.VerifyDummy("wrong password") })
	if ratio := float64(dummy) / float64(real); ratio < 0.1 || ratio > 10 {
		t.Errorf("VerifyDummy median %v vs Verify %v (ratio %.2f), want within 10×", dummy, real, ratio)
	}
}

func TestParamsValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Params)
		ok     bool
	}{
		{"defaults", func(*Params) {}, true},
		{"largest memory", func(p *Params) { p.Memory, p.Iterations = maxMemory, 2 }, true},
		{"memory over bound", func(p *Params) { p.Memory = maxMemory + 1 }, false},
		{"memory below 8 KiB per lane", func(p *Params) { p.Memory = 8*uint32(p.Parallelism) - 1 }, false},
		{"no passes", func(p *Params) { p.Iterations = 0 }, false},
		{"too many passes", func(p *Params) { p.Iterations = maxIterations + 1 }, false},
		{"cost over bound", func(p *Params) { p.Memory, p.Iterations = maxMemory, 3 }, false},
		{"no lanes", func(p *Params) { p.Parallelism = 0 }, false},
		{"too many lanes", func(p *Params) { p.Parallelism = maxParallelism + 1 }, false},
		{"salt too short", func(p *Params) { p.SaltLen = minSaltLen - 1 }, false},
		{"salt too long", func(p *Params) { p.SaltLen = maxSaltLen + 1 }, false},
		{"key too short", func(p *Params) { p.KeyLen = minKeyLen - 1 }, false},
		{"key too long", func(p *Params) { p.KeyLen = maxKeyLen + 1 }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultParams()
			tt.change(&p)
			err := p.Validate()
			if tt.ok && err != nil {
				t.Errorf("Validate() = %v, want nil", err)
			}
			if !tt.ok && !errors.Is(err, ErrInvalidParams) {
				t.Errorf("Validate() = %v, want ErrInvalidParams", err)
			}
		})
	}
}

func TestNewHasherPanicsOnInvalidParams(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewHasher(zero Params) did not panic")
		}
	}()
	NewHasher(Params{})
}

func BenchmarkVerify(b *testing.B) {
	h := NewHasher(DefaultParams())
	enc, err := h.Hash("correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if ok, _, err := h.Verify("correct horse battery staple", enc); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkVerifyDummy(b *testing.B) {
	h := NewHasher(DefaultParams())
	for b.Loop() {
		h.VerifyDummy("correct horse battery staple")
	}
}

func itoa(v uint32) string {
	return strconv.FormatUint(uint64(v), 10)
}
