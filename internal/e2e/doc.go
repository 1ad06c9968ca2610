// Package e2e is the Go side of govchat's end-to-end encryption of files
// (protocol/E2E.md): the file format of suite 0x01 (a header with a key commitment, a
// metadata record and 64 KiB content records sealed in the STREAM shape of age v1), the
// HPKE wrap of file keys to each recipient's X25519 key, key ids, and the password
// wrap of a person's private key. The browser implements the same construction
// (client-web/src/e2e); both check the vectors in protocol/testdata/e2e.
//
// The server never uses this package on a request: it stores ciphertext and never
// parses it. The package serves the `govchat e2e` command (the security officer's
// offline work, the browser cross tests), the vectors and the fuzz targets.
//
// Every primitive comes from the standard library (crypto/hpke, crypto/hkdf,
// crypto/hmac, crypto/pbkdf2, crypto/aes with cipher.NewGCM); this package only
// arranges them as E2E.md says.
package e2e
