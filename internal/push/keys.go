package push

import (
	"context"
	"crypto/ecdh"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	webpush "github.com/SherClockHolmes/webpush-go"

	"govchat/internal/store"
)

// metaVAPID is the meta key of the generated pair, kept as one JSON value so the two
// halves are written together. The private half is a secret: never logged.
const metaVAPID = "push.vapid_keys"

type vapidPair struct {
	Public  string `json:"public"`
	Private string `json:"private"`
}

// keyStore is where the VAPID pair is kept.
type keyStore interface {
	GetMeta(ctx context.Context, key string) (string, error)
	PutMetaOnce(ctx context.Context, key, value string) (string, error)
}

// loadKeys returns the configured pair (checked), or the stored one, or generates and
// stores one; of several nodes generating at once, every one ends up with the first.
func loadKeys(ctx context.Context, st keyStore, public, private string) (string, string, error) {
	if public != "" || private != "" {
		if public == "" || private == "" {
			return "", "", fmt.Errorf("%w: give both the public and the private key, or neither", ErrKeys)
		}
		pub, priv, err := checkPair(public, private)
		if err != nil {
			return "", "", err
		}
		return pub, priv, nil
	}
	raw, err := st.GetMeta(ctx, metaVAPID)
	if errors.Is(err, store.ErrNotFound) {
		priv, pub, err := webpush.GenerateVAPIDKeys()
		if err != nil {
			return "", "", fmt.Errorf("%w: generate: %w", ErrKeys, err)
		}
		fresh, err := json.Marshal(vapidPair{Public: pub, Private: priv})
		if err != nil {
			return "", "", err
		}
		raw, err = st.PutMetaOnce(ctx, metaVAPID, string(fresh))
		if err != nil {
			return "", "", fmt.Errorf("push: store VAPID keys: %w", err)
		}
	} else if err != nil {
		return "", "", fmt.Errorf("push: read VAPID keys: %w", err)
	}
	var p vapidPair
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return "", "", fmt.Errorf("%w: stored pair is not JSON", ErrKeys)
	}
	return checkPair(p.Public, p.Private)
}

// checkPair decodes both keys and checks that the public one belongs to the private
// one, returning both re-encoded as unpadded base64url.
func checkPair(public, private string) (string, string, error) {
	privRaw, err := decodeB64URL(private)
	if err != nil || len(privRaw) != 32 {
		return "", "", fmt.Errorf("%w: the private key must be 32 bytes, base64url", ErrKeys)
	}
	pubRaw, err := decodeB64URL(public)
	if err != nil || len(pubRaw) != 65 {
		return "", "", fmt.Errorf("%w: the public key must be a 65-byte uncompressed P-256 point, base64url", ErrKeys)
	}
	key, err := ecdh.P256().NewPrivateKey(privRaw)
	if err != nil {
		return "", "", fmt.Errorf("%w: the private key is not a P-256 scalar", ErrKeys)
	}
	if string(key.PublicKey().Bytes()) != string(pubRaw) {
		return "", "", fmt.Errorf("%w: the public key does not belong to the private key", ErrKeys)
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString(pubRaw), enc.EncodeToString(privRaw), nil
}

// decodeB64URL takes base64url with or without padding (browsers send it without;
// some tools add it).
func decodeB64URL(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}
