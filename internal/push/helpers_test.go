package push_test

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/hkdf"

	"govchat/internal/egress"
	"govchat/internal/push"
	"govchat/internal/store"
	"govchat/protocol"
)

var b64 = base64.RawURLEncoding

// clock is a controllable clock shared by the service and the test.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock { c := &clock{}; c.ns.Store(t.UnixNano()); return c }
func (c *clock) Now() time.Time   { return time.Unix(0, c.ns.Load()) }
func (c *clock) Add(d time.Duration) {
	c.ns.Add(int64(d))
}

// browser is the test's own user agent: a P-256 key pair and an auth secret, as a
// browser makes for pushManager.subscribe.
type browser struct {
	key  *ecdh.PrivateKey
	auth []byte
}

func newBrowser(t *testing.T) browser {
	t.Helper()
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	rand.Read(auth)
	return browser{key: key, auth: auth}
}

func (b browser) subscription(endpoint string) protocol.PushSubscribeRequest {
	return protocol.PushSubscribeRequest{Endpoint: endpoint, Keys: protocol.PushSubscriptionKeys{
		P256dh: b64.EncodeToString(b.key.PublicKey().Bytes()), Auth: b64.EncodeToString(b.auth)}}
}

// decrypt undoes RFC 8291 (Message Encryption for Web Push) over RFC 8188's
// aes128gcm content coding, written from the RFCs with the standard library and
// x/crypto/hkdf only — not with webpush-go, whose output it checks.
func (b browser) decrypt(body []byte) ([]byte, error) {
	// RFC 8188 §2.1: salt (16) | rs (uint32) | idlen (1) | keyid (idlen) | records.
	if len(body) < 21 {
		return nil, fmt.Errorf("body of %d bytes has no header", len(body))
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if len(body) < 21+idlen {
		return nil, fmt.Errorf("truncated keyid")
	}
	asPublic, records := body[21:21+idlen], body[21+idlen:]
	if rs < 18 {
		return nil, fmt.Errorf("record size %d too small", rs)
	}
	// RFC 8291 §3.4: the key id is the application server's ephemeral public key.
	peer, err := ecdh.P256().NewPublicKey(asPublic)
	if err != nil {
		return nil, fmt.Errorf("keyid is not a P-256 point: %w", err)
	}
	ecdhSecret, err := b.key.ECDH(peer)
	if err != nil {
		return nil, err
	}
	// RFC 8291 §3.3: PRK_key = HKDF-Extract(auth_secret, ecdh_secret);
	// IKM = HKDF-Expand(PRK_key, "WebPush: info" 0x00 ua_public as_public, 32).
	keyInfo := append(append([]byte("WebPush: info\x00"), b.key.PublicKey().Bytes()...), asPublic...)
	ikm := make([]byte, 32)
	if _, err := io.ReadFull(hkdf.Expand(sha256.New, hkdf.Extract(sha256.New, ecdhSecret, b.auth), keyInfo), ikm); err != nil {
		return nil, err
	}
	// RFC 8188 §2.2, §2.3: PRK = HKDF-Extract(salt, IKM); CEK and NONCE from it.
	prk := hkdf.Extract(sha256.New, ikm, salt)
	cek, nonce := make([]byte, 16), make([]byte, 12)
	if _, err := io.ReadFull(hkdf.Expand(sha256.New, prk, []byte("Content-Encoding: aes128gcm\x00")), cek); err != nil {
		return nil, err
	}
	if _, err := io.ReadFull(hkdf.Expand(sha256.New, prk, []byte("Content-Encoding: nonce\x00")), nonce); err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	var out []byte
	for seq := uint64(0); len(records) > 0; seq++ {
		n := min(int(rs), len(records))
		rec, last := records[:n], n == len(records)
		records = records[n:]
		iv := bytes.Clone(nonce)
		for i := range 8 { // nonce XOR the record's sequence number, big-endian
			iv[11-i] ^= byte(seq >> (8 * i))
		}
		plain, err := gcm.Open(nil, iv, rec, nil)
		if err != nil {
			return nil, fmt.Errorf("record %d: %w", seq, err)
		}
		// Padding: data, a delimiter (2 on the last record, 1 before), then zeros.
		plain = bytes.TrimRight(plain, "\x00")
		want := byte(1)
		if last {
			want = 2
		}
		if len(plain) == 0 || plain[len(plain)-1] != want {
			return nil, fmt.Errorf("record %d: padding delimiter missing", seq)
		}
		out = append(out, plain[:len(plain)-1]...)
	}
	return out, nil
}

// received is one POST the test's push service got.
type received struct {
	Header http.Header
	Body   []byte
	Path   string
}

// pushService is a push endpoint served by the test over TLS. answer picks the
// status of the n-th request (from 1); a redirect points to /push/redirected.
type pushService struct {
	srv    *httptest.Server
	got    chan received
	count  atomic.Int64
	mu     sync.Mutex
	answer func(n int) int
}

func newPushService(t *testing.T) *pushService {
	t.Helper()
	ps := &pushService{got: make(chan received, 64), answer: func(int) int { return http.StatusCreated }}
	ps.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		n := int(ps.count.Add(1))
		ps.mu.Lock()
		status := ps.answer(n)
		ps.mu.Unlock()
		ps.got <- received{Header: r.Header.Clone(), Body: body, Path: r.URL.Path}
		if status >= 300 && status < 400 {
			w.Header().Set("Location", "/push/redirected")
		}
		w.WriteHeader(status)
	}))
	ps.srv.TLS = &tls.Config{Certificates: []tls.Certificate{localhostCert(t)}}
	ps.srv.StartTLS()
	t.Cleanup(ps.srv.Close)
	return ps
}

func (ps *pushService) setAnswer(f func(n int) int) {
	ps.mu.Lock()
	ps.answer = f
	ps.mu.Unlock()
}

func (ps *pushService) endpoint(name string) string { return ps.srv.URL + "/push/" + name }

// allow is an egress policy that lets the service reach ps (on loopback) and applies
// the production policy to every other address.
func (ps *pushService) allow(addr netip.Addr) error {
	if addr == netip.MustParseAddrPort(ps.srv.Listener.Addr().String()).Addr() {
		return nil
	}
	return egress.Public(addr)
}

// next waits for the next request.
func (ps *pushService) next(t *testing.T) received {
	t.Helper()
	select {
	case r := <-ps.got:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no push arrived")
		return received{}
	}
}

// none checks that nothing arrives for a while.
func (ps *pushService) none(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case r := <-ps.got:
		t.Fatalf("unexpected push to %s", r.Path)
	case <-time.After(d):
	}
}

// localhostCert is a self-signed certificate for localhost, 127.0.0.1 and ::1 (the
// httptest one leaves out the name localhost, which the egress tests dial by).
func localhostCert(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "push.test"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// newService builds a service over st that sends to ps, with fast polling. Unless opt
// says otherwise, its egress policy allows ps's own loopback address and nothing else
// inward. Its client trusts ps's certificate.
func newService(t *testing.T, st store.Store, ps *pushService, c *clock, opt push.Options) *push.Service {
	t.Helper()
	return newLoggingService(t, st, ps, c, opt, discard())
}

// newLoggingService is newService logging to log.
func newLoggingService(t *testing.T, st store.Store, ps *pushService, c *clock, opt push.Options, log *slog.Logger) *push.Service {
	t.Helper()
	if opt.Egress == nil {
		opt.Egress = ps.allow
	}
	opt.RootCAs = x509.NewCertPool()
	opt.RootCAs.AddCert(ps.srv.Certificate())
	if opt.PollInterval == 0 {
		opt.PollInterval = 10 * time.Millisecond
	}
	svc, err := push.New(st, log, c.Now, opt)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// run starts the worker and returns a stop that waits for it to return.
func run(t *testing.T, svc *push.Service) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { svc.Run(ctx); close(done) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Error("Run did not return after its context ended")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// vapidClaims verifies the Authorization header (RFC 8292: "vapid t=JWT, k=KEY"):
// the key is the service's, the JWT is ES256-signed by it. It returns the claims.
func vapidClaims(t *testing.T, authz, wantKey string) map[string]any {
	t.Helper()
	rest, ok := strings.CutPrefix(authz, "vapid ")
	if !ok {
		t.Fatalf("Authorization %q is not vapid", authz)
	}
	params := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		params[k] = v
	}
	if params["k"] != wantKey {
		t.Fatalf("vapid k = %q, want the service's public key %q", params["k"], wantKey)
	}
	keyRaw, err := b64.DecodeString(params["k"])
	if err != nil {
		t.Fatalf("vapid k: %v", err)
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), keyRaw)
	if err != nil {
		t.Fatalf("vapid k is not a P-256 key: %v", err)
	}
	parts := strings.Split(params["t"], ".")
	if len(parts) != 3 {
		t.Fatalf("vapid t is not a JWT")
	}
	var header map[string]any
	decodeJSONPart(t, parts[0], &header)
	if header["alg"] != "ES256" {
		t.Fatalf("JWT alg = %v, want ES256", header["alg"])
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		t.Fatalf("JWT signature is not 64 bytes of r||s")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
	if !ecdsa.Verify(pub, digest[:], r, s) {
		t.Fatal("JWT signature does not verify with the VAPID public key")
	}
	var claims map[string]any
	decodeJSONPart(t, parts[1], &claims)
	return claims
}

func decodeJSONPart(t *testing.T, part string, v any) {
	t.Helper()
	raw, err := b64.DecodeString(part)
	if err != nil {
		t.Fatalf("JWT part: %v", err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("JWT part: %v", err)
	}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func base64URLPadded(b []byte) string { return base64.URLEncoding.EncodeToString(b) }

// vapidPair makes a key pair the way an operator would for --vapid-private-key and
// --vapid-public-key, independently of the service.
func vapidPair(t *testing.T) (priv, pub string) {
	t.Helper()
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return b64.EncodeToString(k.Bytes()), b64.EncodeToString(k.PublicKey().Bytes())
}
