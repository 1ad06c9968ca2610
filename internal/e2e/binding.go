package e2e

import (
	"fmt"
	"strconv"
	"strings"

	"govchat/protocol"
)

// Binding is what a wrapped file key is bound to (E2E.md §3.2): the blob, the context
// it was shared in ("channel:<id>" or "notice"), the recipient (0 for the
// organisation's escrow key) and the recipient key's id. A wrap opens only under the
// binding it was made for, so a server cannot hand one person's wrap to another, move
// it to another blob or channel, or pass it off as made for another key.
type Binding struct {
	BlobID  string
	Context string
	UserID  int64
	KeyID   string
}

// Validate refuses a binding whose fields are not in their one form: no field can then
// hold the 0x00 that separates them in the AAD, so the AAD is unambiguous.
func (b Binding) Validate() error {
	switch {
	case !isBlobID(b.BlobID):
		return fmt.Errorf("e2e: the blob id is not %d lowercase hex digits", protocol.BlobIDLen)
	case !isContext(b.Context):
		return fmt.Errorf(`e2e: the context is neither "channel:<id>" nor %q`, protocol.FileKeyContextNote)
	case b.UserID < 0:
		return fmt.Errorf("e2e: the user id is negative")
	case !isKeyID(b.KeyID):
		return fmt.Errorf("e2e: the key id is not %d lowercase hex digits", keyIDLen)
	}
	return nil
}

// isContext: "notice", or "channel:" and a positive decimal id without leading zeros.
func isContext(s string) bool {
	if s == protocol.FileKeyContextNote {
		return true
	}
	id, ok := strings.CutPrefix(s, "channel:")
	if !ok || id == "" || id[0] == '0' || len(id) > 19 {
		return false
	}
	n, err := strconv.ParseInt(id, 10, 64)
	return err == nil && n > 0 && strconv.FormatInt(n, 10) == id
}

// wrapInfo is the HPKE info string of every file-key wrap.
const wrapInfo = "govchat-file-key/1"

// AAD is the HPKE additional data of the wrap:
// "govchat-file-key/1" 0x00 blob_id 0x00 context 0x00 decimal(user_id) 0x00 key_id.
func (b Binding) AAD() []byte {
	a := make([]byte, 0, 96)
	a = append(a, wrapInfo...)
	a = append(a, 0)
	a = append(a, b.BlobID...)
	a = append(a, 0)
	a = append(a, b.Context...)
	a = append(a, 0)
	a = strconv.AppendInt(a, b.UserID, 10)
	a = append(a, 0)
	return append(a, b.KeyID...)
}
