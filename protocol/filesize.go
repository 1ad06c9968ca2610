package protocol

// PaddedSize is the content length a file of n bytes is padded to (E2E.md §2): the
// smallest bucket ≥ n of b₀ = 541, bₖ₊₁ = bₖ + max(1, ⌊bₖ/20⌋) — Signal's 1.05ⁿ rule in
// integer arithmetic, so that Go and the browser agree to the byte. Overhead < 5 %.
func PaddedSize(n int64) int64 {
	b := int64(541)
	for b < n {
		b += max(1, b/20)
	}
	return b
}

// CiphertextSize is the size of the encrypted file of a plaintext of n bytes: the
// header, the sealed metadata record and the sealed, padded content records.
func CiphertextSize(n int64) int64 {
	p := PaddedSize(n)
	records := (p + FileRecordSize - 1) / FileRecordSize
	return FileHeaderSize + FileMetaRecordSize + FileRecordOverhead + p + FileRecordOverhead*records
}
