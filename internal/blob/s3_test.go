package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"govchat/internal/blob/s3test"
	"govchat/protocol"
)

func TestS3KeepsAPartPerObject(t *testing.T) {
	s := newS3(t)
	putBlob(t, s, testID, make([]byte, protocol.FilePartSize+1))
	out, err := s.client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket)})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	want := []string{"blobs/01/" + testID + "/0", "blobs/01/" + testID + "/1"}
	if !slices.Equal(keys, want) {
		t.Fatalf("objects %q, want %q", keys, want)
	}
}

func TestS3SignsThePayloadHash(t *testing.T) {
	// The part's SHA-256 in x-amz-content-sha256, over http and https alike, is what
	// lets the S3 server refuse a body cut short (TestS3PutCutOffKeepsTheEarlierCopy).
	// An SDK upgrade must not quietly switch to UNSIGNED-PAYLOAD or a trailer.
	body := []byte("a part's ciphertext")
	sum := sha256.Sum256(body)
	for _, tls := range []bool{false, true} {
		t.Run(fmt.Sprintf("tls=%v", tls), func(t *testing.T) {
			var got http.Header
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				if r.Method == http.MethodPut {
					got = r.Header.Clone()
				}
			})
			srv := httptest.NewUnstartedServer(h)
			o := S3Options{Bucket: "govchat", AccessKey: "a", SecretKey: "b"}
			if tls {
				srv.StartTLS()
				o.RootCAs = x509.NewCertPool()
				o.RootCAs.AddCert(srv.Certificate())
			} else {
				srv.Start()
			}
			t.Cleanup(srv.Close)
			o.Endpoint = srv.URL
			s, err := NewS3(o)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.PutPart(context.Background(), testID, 0, bytes.NewReader(body), int64(len(body))); err != nil {
				t.Fatal(err)
			}
			if h := got.Get("X-Amz-Content-Sha256"); h != hex.EncodeToString(sum[:]) {
				t.Errorf("x-amz-content-sha256 %q, want the body's SHA-256", h)
			}
			for k := range got {
				if strings.HasPrefix(strings.ToLower(k), "x-amz-checksum") || strings.EqualFold(k, "X-Amz-Trailer") {
					t.Errorf("a checksum header %s: S3-compatible servers may refuse it", k)
				}
			}
			if !strings.Contains(got.Get("Authorization"), "SignedHeaders=") || !strings.Contains(got.Get("Authorization"), "x-amz-content-sha256") {
				t.Errorf("the payload hash is not signed: %s", got.Get("Authorization"))
			}
		})
	}
}

// everyOp runs each of the store's operations and hands its error to check.
func everyOp(t *testing.T, s Store, check func(t *testing.T, op string, err error)) {
	ctx := context.Background()
	body := bytes.Repeat([]byte{1}, protocol.FilePartSize)
	check(t, "Ping", s.Ping(ctx))
	check(t, "PutPart", s.PutPart(ctx, testID, 0, bytes.NewReader(body), int64(len(body))))
	_, err := s.StatPart(ctx, testID, 0)
	check(t, "StatPart", err)
	_, err = s.OpenRange(ctx, testID, 0, 10)
	check(t, "OpenRange", err)
	check(t, "Delete", s.Delete(ctx, testID))
}

func unavailableWithin(limit time.Duration) func(t *testing.T, op string, err error) {
	last := time.Now()
	return func(t *testing.T, op string, err error) {
		t.Helper()
		took := time.Since(last)
		last = time.Now()
		if !errors.Is(err, ErrUnavailable) {
			t.Errorf("%s: %v, want ErrUnavailable", op, err)
		}
		if took > limit {
			t.Errorf("%s took %s to give up, want at most %s", op, took.Round(time.Millisecond), limit)
		}
	}
}

func TestS3Unreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close() // nothing listens there now: connections are refused
	s, err := NewS3(S3Options{Endpoint: "http://" + closed, Bucket: "govchat", AccessKey: "a", SecretKey: "b"})
	if err != nil {
		t.Fatal(err)
	}
	everyOp(t, s, unavailableWithin(3*time.Second))
}

func TestS3Stalled(t *testing.T) {
	// A server that takes connections and never answers: each request must give up
	// after the store's bounds, not hang.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	s, err := NewS3(S3Options{Endpoint: "http://" + ln.Addr().String(), Bucket: "govchat", AccessKey: "a", SecretKey: "b",
		OpTimeout: 300 * time.Millisecond, StallTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	everyOp(t, s, unavailableWithin(3*time.Second))
}

func TestS3StallMidDownload(t *testing.T) {
	// Headers and a little of the body, then nothing: the reader must not wait forever.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		w.WriteHeader(http.StatusPartialContent)
		w.Write(make([]byte, 1000))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	s, err := NewS3(S3Options{Endpoint: srv.URL, Bucket: "govchat", AccessKey: "a", SecretKey: "b", StallTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.OpenRange(context.Background(), testID, 0, 1000000)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	start := time.Now()
	n, err := io.Copy(io.Discard, r)
	if !errors.Is(err, ErrUnavailable) || n != 1000 || time.Since(start) > 3*time.Second {
		t.Fatalf("read %d bytes in %s, then %v; want 1000 bytes, then ErrUnavailable after the stall timeout", n, time.Since(start), err)
	}
}

func TestS3RangeIgnored(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("the whole part from its first byte"))
	}))
	t.Cleanup(srv.Close)
	s, err := NewS3(S3Options{Endpoint: srv.URL, Bucket: "govchat", AccessKey: "a", SecretKey: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.OpenRange(context.Background(), testID, 4, 5); err == nil {
		t.Fatal("took a 200 without Content-Range for bytes from 4")
	}
}

func TestS3ServerErrors(t *testing.T) {
	for _, c := range []struct {
		status int
		code   string
	}{
		{http.StatusServiceUnavailable, "SlowDown"},
		{http.StatusInternalServerError, "InternalError"},
		{http.StatusBadGateway, ""}, // a proxy in front of the store, with its own page
	} {
		t.Run(fmt.Sprint(c.status), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				if c.code == "" {
					http.Error(w, "bad gateway", c.status)
					return
				}
				w.Header().Set("Content-Type", "application/xml")
				w.WriteHeader(c.status)
				fmt.Fprintf(w, "<Error><Code>%s</Code><Message>try later</Message></Error>", c.code)
			}))
			t.Cleanup(srv.Close)
			s, err := NewS3(S3Options{Endpoint: srv.URL, Bucket: "govchat", AccessKey: "a", SecretKey: "b"})
			if err != nil {
				t.Fatal(err)
			}
			everyOp(t, s, unavailableWithin(5*time.Second))
		})
	}
}

func TestS3Misconfigured(t *testing.T) {
	srv := s3test.New(t)
	t.Run("wrong secret key", func(t *testing.T) {
		s, err := NewS3(S3Options{Endpoint: srv.Endpoint, Bucket: srv.Bucket, AccessKey: srv.AccessKey, SecretKey: "not-the-secret"})
		if err != nil {
			t.Fatal(err)
		}
		everyOp(t, s, unavailableWithin(3*time.Second))
	})
	t.Run("no such bucket", func(t *testing.T) {
		s, err := NewS3(S3Options{Endpoint: srv.Endpoint, Bucket: "govchat-missing", AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if err := s.Ping(ctx); !errors.Is(err, ErrUnavailable) {
			t.Errorf("Ping: %v, want ErrUnavailable", err)
		}
		if err := s.PutPart(ctx, testID, 0, strings.NewReader("x"), 1); !errors.Is(err, ErrUnavailable) {
			t.Errorf("PutPart: %v, want ErrUnavailable", err)
		}
	})
	t.Run("refused settings", func(t *testing.T) {
		for _, o := range []S3Options{
			{Endpoint: "ftp://x", Bucket: "b", AccessKey: "a", SecretKey: "s"},
			{Endpoint: "s3.example", Bucket: "b", AccessKey: "a", SecretKey: "s"},
			{Endpoint: srv.Endpoint, AccessKey: "a", SecretKey: "s"},
			{Endpoint: srv.Endpoint, Bucket: "b", AccessKey: "a"},
		} {
			if _, err := NewS3(o); err == nil {
				t.Errorf("NewS3(%+v) accepted it", o)
			}
		}
	})
}

// cutProxy forwards connections to addr, but cuts each one after limit bytes from the
// client: a network failing in the middle of an upload.
func cutProxy(t *testing.T, addr string, limit int64) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", addr)
			if err != nil {
				c.Close()
				continue
			}
			go func() {
				io.CopyN(up, c, limit)
				up.Close()
				c.Close()
			}()
			go io.Copy(c, up)
		}
	}()
	return "http://" + ln.Addr().String()
}

func TestS3PutCutOffKeepsTheEarlierCopy(t *testing.T) {
	srv := s3test.New(t)
	direct := newS3On(t, srv, srv.Endpoint)
	ctx := context.Background()
	earlier := bytes.Repeat([]byte{'a'}, protocol.FilePartSize)
	if err := direct.PutPart(ctx, testID, 0, bytes.NewReader(earlier), protocol.FilePartSize); err != nil {
		t.Fatal(err)
	}
	cut := newS3On(t, srv, cutProxy(t, strings.TrimPrefix(srv.Endpoint, "http://"), 1<<20))
	later := bytes.Repeat([]byte{'b'}, protocol.FilePartSize)
	if err := cut.PutPart(ctx, testID, 0, bytes.NewReader(later), protocol.FilePartSize); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("PutPart cut off after 1 MiB: %v, want ErrUnavailable", err)
	}
	got, err := readRange(direct, testID, 0, protocol.FilePartSize)
	if err != nil || !bytes.Equal(got, earlier) {
		t.Fatalf("after a cut-off overwrite the part holds %d bytes (%v), not the earlier copy", len(got), err)
	}
}

func newS3On(t *testing.T, srv s3test.Server, endpoint string) *S3 {
	t.Helper()
	s, err := NewS3(S3Options{Endpoint: endpoint, Bucket: srv.Bucket, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestS3BucketFull(t *testing.T) {
	// versitygw over a 2 MiB tmpfs: a 4 MiB part does not fit, and the gateway says
	// 507 InsufficientStorage, as it would on a full disk.
	srv := s3test.StartTmpfs(t, "2m")
	s, err := NewS3(S3Options{Endpoint: srv.Endpoint, Bucket: srv.Bucket, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	body := bytes.Repeat([]byte{7}, protocol.FilePartSize)
	if err := s.PutPart(ctx, testID, 0, bytes.NewReader(body), protocol.FilePartSize); !errors.Is(err, ErrFull) {
		t.Fatalf("PutPart on a full disk: %v, want ErrFull", err)
	}
	if _, err := s.StatPart(ctx, testID, 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a part was left behind (%v)", err)
	}
	if err := s.PutPart(ctx, testID, 0, strings.NewReader("small"), 5); err != nil {
		t.Fatalf("a part that fits: %v", err)
	}
}

// apiErr is what the SDK makes of an S3 error response.
func apiErr(status int, code string) error {
	return &smithy.OperationError{ServiceID: "S3", OperationName: "PutObject", Err: &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}},
			Err:      &smithy.GenericAPIError{Code: code, Message: "m"},
		},
	}}
}

func TestClassifyS3(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want error
	}{
		{"no such key", apiErr(404, "NoSuchKey"), ErrNotFound},
		{"HEAD of a missing object", apiErr(404, "NotFound"), ErrNotFound},
		{"a bare 404", apiErr(404, ""), ErrNotFound},
		{"Ceph RGW quota", apiErr(403, "QuotaExceeded"), ErrFull},
		{"versitygw disk full", apiErr(507, "InsufficientStorage"), ErrFull},
		{"MinIO disks full", apiErr(507, "XMinioStorageFull"), ErrFull},
		{"MinIO bucket quota", apiErr(400, "XMinioAdminBucketQuotaExceeded"), ErrFull},
		{"a bare 507", apiErr(507, ""), ErrFull},
		{"no such bucket", apiErr(404, "NoSuchBucket"), ErrUnavailable},
		{"access denied", apiErr(403, "AccessDenied"), ErrUnavailable},
		{"wrong key", apiErr(403, "SignatureDoesNotMatch"), ErrUnavailable},
		{"slow down", apiErr(503, "SlowDown"), ErrUnavailable},
		{"a bare 502", apiErr(502, ""), ErrUnavailable},
		{"connection refused", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, ErrUnavailable},
		{"connection reset mid-body", fmt.Errorf("read: %w", syscall.ECONNRESET), ErrUnavailable},
		{"a body cut short", io.ErrUnexpectedEOF, ErrUnavailable},
		{"a request we got wrong", apiErr(400, "InvalidArgument"), nil},
		{"something else", errors.New("unexpected"), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := classifyS3(c.err); got != c.want {
				t.Fatalf("classifyS3(%v) = %v, want %v", c.err, got, c.want)
			}
		})
	}
}
