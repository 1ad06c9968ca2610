package keys

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"govchat/internal/apperr"
	"govchat/internal/e2e"
	"govchat/internal/strictjson"
	"govchat/internal/textcheck"
	"govchat/protocol"
)

func b64s(n int) string { return base64.RawURLEncoding.EncodeToString(make([]byte, n)) }

func fieldOfErr(err error) string {
	var e *apperr.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// The key id is the one E2E.md §3.3 and the shared vectors say (protocol/testdata/e2e),
// which the client computes too.
func TestKeyIDOfTheVectors(t *testing.T) {
	raw, err := os.ReadFile("../../protocol/testdata/e2e/keyids.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Keys []struct {
			Public string `json:"public"`
			KeyID  string `json:"key_id"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || len(v.Keys) == 0 {
		t.Fatalf("keyids.json: %v", err)
	}
	for _, k := range v.Keys {
		_, id, err := checkPublicKey("public_key", k.Public)
		if strings.Trim(k.Public, "A") == "" {
			if err == nil {
				t.Errorf("the all-zero key %s taken", k.Public)
			}
			continue
		}
		if err != nil || id != k.KeyID {
			t.Errorf("%s: %q %v, want %s", k.Public, id, err, k.KeyID)
		}
	}
}

func TestParseContext(t *testing.T) {
	for in, want := range map[string]int64{"notice": 0, "channel:1": 1, "channel:9007199254740993": 9007199254740993} {
		if got, ok := parseContext(in); !ok || got != want {
			t.Errorf("%q: %d %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "Notice", "channel:", "channel:0", "channel:-1", "channel:01", "channel:+1", "channel:1 ", "channel:1x",
		"channel:99999999999999999999", "chan:1", "notice:1"} {
		if _, ok := parseContext(in); ok {
			t.Errorf("%q taken", in)
		}
	}
}

func TestCheckPostFileKeys(t *testing.T) {
	blob := strings.Repeat("ab", 16)
	key := func(user int64) protocol.FileKey {
		return protocol.FileKey{UserID: user, KeyID: "0123456789abcdef", Wrapped: b64s(80)}
	}
	ok := protocol.PostFileKeysRequest{Context: "channel:3", Keys: []protocol.FileKey{key(1), key(0), {BlobID: blob, Context: "channel:3", UserID: 2,
		KeyID: "fedcba9876543210", Wrapped: b64s(112), WrappedBy: 99}}}
	keys, ch, err := checkPostFileKeys(blob, ok)
	if err != nil || ch != 3 || len(keys) != 3 || keys[2].BlobID != blob || keys[2].Context != "channel:3" || keys[2].WrappedBy != 0 {
		t.Fatalf("%+v %d %v", keys, ch, err)
	}
	cases := []struct {
		name  string
		edit  func(*protocol.PostFileKeysRequest)
		field string
	}{
		{"no context", func(r *protocol.PostFileKeysRequest) { r.Context = "" }, "context"},
		{"no keys", func(r *protocol.PostFileKeysRequest) { r.Keys = nil }, "keys"},
		{"too many", func(r *protocol.PostFileKeysRequest) {
			r.Keys = make([]protocol.FileKey, protocol.MaxFileKeysPerPost+1)
		}, "keys"},
		{"another blob", func(r *protocol.PostFileKeysRequest) { r.Keys[1].BlobID = strings.Repeat("cd", 16) }, "keys[1]"},
		{"another context", func(r *protocol.PostFileKeysRequest) { r.Keys[1].Context = "notice" }, "keys[1]"},
		{"negative user", func(r *protocol.PostFileKeysRequest) { r.Keys[0].UserID = -1 }, "keys[0]"},
		{"twice", func(r *protocol.PostFileKeysRequest) { r.Keys[1].UserID = 1 }, "keys[1]"},
		{"key id upper case", func(r *protocol.PostFileKeysRequest) { r.Keys[0].KeyID = "0123456789ABCDEF" }, "keys[0]"},
		{"key id short", func(r *protocol.PostFileKeysRequest) { r.Keys[0].KeyID = "0123" }, "keys[0]"},
		{"wrapped padded", func(r *protocol.PostFileKeysRequest) {
			r.Keys[0].Wrapped = base64.URLEncoding.EncodeToString(make([]byte, 80))
		}, "keys[0]"},
		{"wrapped 81 bytes", func(r *protocol.PostFileKeysRequest) { r.Keys[0].Wrapped = b64s(81) }, "keys[0]"},
		{"wrapped too long", func(r *protocol.PostFileKeysRequest) { r.Keys[0].Wrapped = b64s(113) }, "keys[0]"},
		{"wrapped empty", func(r *protocol.PostFileKeysRequest) { r.Keys[0].Wrapped = "" }, "keys[0]"},
	}
	for _, tc := range cases {
		r := ok
		r.Keys = append([]protocol.FileKey{}, ok.Keys...)
		tc.edit(&r)
		if _, _, err := checkPostFileKeys(blob, r); fieldOfErr(err) != tc.field {
			t.Errorf("%s: %v, want field %q", tc.name, err, tc.field)
		}
	}
}

// FuzzPostFileKeys feeds the body decoder and the checks arbitrary bytes: never a panic,
// and whatever passes is what the store may take — a known context, at most the limit of
// keys, each for a distinct recipient, a lowercase key id and a wrap of a real size.
func FuzzPostFileKeys(f *testing.F) {
	blob := strings.Repeat("ab", 16)
	seed, _ := json.Marshal(protocol.PostFileKeysRequest{Context: "channel:3", Keys: []protocol.FileKey{{UserID: 1, KeyID: "0123456789abcdef", Wrapped: b64s(80)}}})
	f.Add(seed)
	f.Add([]byte(`{"context":"notice","keys":[{"user_id":0,"key_id":"0123456789abcdef","wrapped":"` + b64s(112) + `"}]}`))
	f.Add([]byte(`{"context":"channel:01","keys":[]}`))
	f.Add([]byte(`{"context":"channel:1","keys":[{"user_id":-1}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var req protocol.PostFileKeysRequest
		if err := strictjson.Decode(body, &req); err != nil {
			return
		}
		keys, ch, err := checkPostFileKeys(blob, req)
		if err != nil {
			var e *apperr.Error
			if !errors.As(err, &e) || e.Code != protocol.CodeBadRequest || e.Field == "" {
				t.Fatalf("refusal %v is not a bad_request naming a field", err)
			}
			return
		}
		if _, ok := parseContext(req.Context); !ok || (ch == 0) != (req.Context == protocol.FileKeyContextNote) {
			t.Fatalf("context %q taken as channel %d", req.Context, ch)
		}
		if len(keys) == 0 || len(keys) > protocol.MaxFileKeysPerPost {
			t.Fatalf("%d keys taken", len(keys))
		}
		seen := map[int64]bool{}
		for _, k := range keys {
			w, err := base64.RawURLEncoding.DecodeString(k.Wrapped)
			if seen[k.UserID] || k.UserID < 0 || !validKeyID(k.KeyID) || err != nil || (len(w) != wrapSingle && len(w) != wrapDouble) ||
				k.BlobID != blob || k.Context != req.Context {
				t.Fatalf("key taken: %+v", k)
			}
			seen[k.UserID] = true
		}
	})
}

// FuzzPutMyKey: never a panic; what passes has a 32-byte public key, its id, and the
// wrapped key, salt and iterations of E2E.md §4.
func FuzzPutMyKey(f *testing.F) {
	good, _ := json.Marshal(protocol.PutMyKeyRequest{PublicKey: base64.RawURLEncoding.EncodeToString([]byte(strings.Repeat("k", 32))),
		Wrapped: b64s(60), Salt: b64s(16), Iterations: 600000})
	f.Add(good)
	f.Add([]byte(`{"public_key":"","wrapped_private":"","kdf_salt":"","kdf_iterations":0}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var req protocol.PutMyKeyRequest
		if err := strictjson.Decode(body, &req); err != nil {
			return
		}
		k, err := checkPutMyKey(7, req)
		if err != nil {
			if fieldOfErr(err) == "" {
				t.Fatalf("refusal %v names no field", err)
			}
			return
		}
		pub, err := base64.RawURLEncoding.DecodeString(k.PublicKey)
		w, err2 := base64.RawURLEncoding.DecodeString(k.WrappedPrivate)
		salt, err3 := base64.RawURLEncoding.DecodeString(k.KDFSalt)
		id, _ := e2e.KeyID(pub)
		if err != nil || err2 != nil || err3 != nil || len(pub) != 32 || len(w) != 60 || len(salt) != 16 || k.KeyID != id ||
			k.KDFIterations < 600000 || k.KDFIterations > 10_000_000 || k.UserID != 7 {
			t.Fatalf("taken: %+v", k)
		}
	})
}

func TestCheckRef(t *testing.T) {
	blob, thumb := strings.Repeat("ab", 16), strings.Repeat("cd", 16)
	ok := protocol.AttachmentRef{BlobID: blob, Commitment: b64s(32), ThumbID: thumb}
	if err := checkRef("attachment", ok); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ref   protocol.AttachmentRef
		field string
	}{
		{protocol.AttachmentRef{BlobID: strings.ToUpper(blob), Commitment: b64s(32)}, "attachment.blob_id"},
		{protocol.AttachmentRef{BlobID: "../" + blob[3:], Commitment: b64s(32)}, "attachment.blob_id"},
		{protocol.AttachmentRef{BlobID: blob, Commitment: b64s(33)}, "attachment.commitment"},
		{protocol.AttachmentRef{BlobID: blob, Commitment: b64s(32), ThumbID: blob}, "attachment.thumb_blob_id"},
		{protocol.AttachmentRef{BlobID: blob, Commitment: b64s(32), ThumbID: "x"}, "attachment.thumb_blob_id"},
	} {
		if err := checkRef("attachment", tc.ref); fieldOfErr(err) != tc.field {
			t.Errorf("%+v: %v, want %s", tc.ref, err, tc.field)
		}
	}
}

func TestCheckLine(t *testing.T) {
	if v, err := textcheck.Field("reason", "  依据通知\n核查  ", 500, true, true); err != nil || v != "依据通知\n核查" {
		t.Fatalf("%q %v", v, err)
	}
	for _, v := range []string{"", "   ", "a\nb", "a\u202eb", strings.Repeat("号", 65), "\xff"} {
		if _, err := textcheck.Field("case_number", v, 64, true, false); fieldOfErr(err) != "case_number" {
			t.Errorf("%q: %v", v, err)
		}
	}
}
