package protocol

import "testing"

func TestPaddedSize(t *testing.T) {
	cases := []struct{ n, want int64 }{
		{0, 541}, {1, 541}, {541, 541}, {542, 568}, {568, 568}, {569, 596},
	}
	for _, c := range cases {
		if got := PaddedSize(c.n); got != c.want {
			t.Errorf("PaddedSize(%d) = %d, want %d", c.n, got, c.want)
		}
	}
	// The overhead stays under 5 % from the first bucket up to the largest file.
	for n := int64(541); n < DefaultMaxFileSize; n = n*3/2 + 7 {
		if p := PaddedSize(n); p < n || float64(p-n) > 0.05*float64(n) {
			t.Fatalf("PaddedSize(%d) = %d: overhead %.2f %%", n, p, 100*float64(p-n)/float64(n))
		}
	}
}

func TestCiphertextSize(t *testing.T) {
	// An empty file: header, record 0, one content record of 541 padded bytes.
	if got, want := CiphertextSize(0), int64(53+4096+16+541+16); got != want {
		t.Errorf("CiphertextSize(0) = %d, want %d", got, want)
	}
	// Exactly one full record of content after padding.
	p := PaddedSize(1 << 20)
	if got, want := CiphertextSize(1<<20), 53+4112+p+16*((p+65535)/65536); got != want {
		t.Errorf("CiphertextSize(1 MiB) = %d, want %d", got, want)
	}
}
