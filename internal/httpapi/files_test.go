package httpapi_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to write beneath the store

	"govchat/internal/blob"
	"govchat/internal/demo"
	"govchat/internal/files"
	"govchat/internal/httpapi"
	"govchat/internal/ratelimit"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/internal/tmpfstest"
	"govchat/protocol"
)

// execFunc writes beneath the store with ? placeholders: the tests use it for what the
// send path writes in production (blob_refs rows, blobs.attached_at).
type execFunc func(t *testing.T, query string, args ...any)

// forEachBackendSQL is storetest.ForEachBackend with a second connection to the same
// database, for execFunc.
func forEachBackendSQL(t *testing.T, fn func(t *testing.T, s store.Store, exec execFunc)) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "govchat.db")
		s, err := store.OpenSQLite(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if _, err := s.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		s.SetMasterKey(storetest.MasterKey(t))
		raw, err := sql.Open("sqlite", path+"?_busy_timeout=10000&_foreign_keys=1")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		fn(t, s, rawExec(raw, false))
	})
	t.Run("postgres", func(t *testing.T) {
		url := storetest.PostgresSchemaURL(t)
		s, err := store.OpenPostgres(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if _, err := s.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		s.SetMasterKey(storetest.MasterKey(t))
		raw, err := sql.Open("pgx", url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		fn(t, s, rawExec(raw, true))
	})
}

func rawExec(db *sql.DB, dollar bool) execFunc {
	return func(t *testing.T, query string, args ...any) {
		t.Helper()
		if dollar {
			var b strings.Builder
			n := 0
			for _, c := range query {
				if c == '?' {
					n++
					fmt.Fprintf(&b, "$%d", n)
				} else {
					b.WriteRune(c)
				}
			}
			query = b.String()
		}
		if _, err := db.ExecContext(t.Context(), query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
}

// switchBlobs is the real local store, or while down an S3 store whose endpoint
// nothing listens on (a bucket that cannot be reached: connections refused), so a test
// can take the blob store away between requests.
type switchBlobs struct {
	up, unreachable blob.Store
	mu              sync.Mutex
	down            bool
}

func newSwitchBlobs(t *testing.T, local blob.Store) *switchBlobs {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	s3, err := blob.NewS3(blob.S3Options{Endpoint: "http://" + closed, Bucket: "govchat", AccessKey: "a", SecretKey: "b", SpoolDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return &switchBlobs{up: local, unreachable: s3}
}

func (s *switchBlobs) setDown(down bool) {
	s.mu.Lock()
	s.down = down
	s.mu.Unlock()
}

func (s *switchBlobs) store() blob.Store {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		return s.unreachable
	}
	return s.up
}

func (s *switchBlobs) PutPart(ctx context.Context, id string, n int, body io.Reader, size int64) error {
	return s.store().PutPart(ctx, id, n, body, size)
}

func (s *switchBlobs) OpenRange(ctx context.Context, id string, offset, length int64) (io.ReadCloser, error) {
	return s.store().OpenRange(ctx, id, offset, length)
}

func (s *switchBlobs) StatPart(ctx context.Context, id string, n int) (int64, error) {
	return s.store().StatPart(ctx, id, n)
}

func (s *switchBlobs) Delete(ctx context.Context, id string) error { return s.store().Delete(ctx, id) }
func (s *switchBlobs) Ping(ctx context.Context) error              { return s.store().Ping(ctx) }

// filesEnv is the API with the files service over the real local blob store.
type filesEnv struct {
	*harness
	svc   *files.Service
	dir   string
	blobs *switchBlobs
	exec  execFunc
	deps  httpapi.Deps // as the harness built its API
}

type filesOpt struct {
	limits    files.Limits
	perMinute int    // uploads begun per person per minute; 0: 10,000
	dir       string // the blob store's folder; "": a new temporary one
}

func newFilesEnv(t *testing.T, s store.Store, exec execFunc, o filesOpt) *filesEnv {
	t.Helper()
	if o.limits.MaxFileSize == 0 {
		o.limits.MaxFileSize = protocol.DefaultMaxFileSize
	}
	if o.perMinute == 0 {
		o.perMinute = 10_000
	}
	dir := o.dir
	if dir == "" {
		dir = t.TempDir()
	}
	local, err := blob.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	e := &filesEnv{dir: dir, blobs: newSwitchBlobs(t, local), exec: exec}
	e.harness = newHarnessWith(t, s, func(d *httpapi.Deps) {
		e.svc = files.New(files.Deps{
			Store: store.Narrow(s, func(tx store.Store) files.Tx { return tx }),
			Blobs: e.blobs, Audit: d.Audit, Log: d.Log, Now: d.Now,
			Limiter: ratelimit.New(o.perMinute, o.perMinute, 1000, d.Now), Secrecy: d.Secrecy,
		}, o.limits)
		d.Files = e.svc
		e.deps = *d
	})
	return e
}

func (e *filesEnv) as(t *testing.T) *filesEnv {
	c := *e
	c.harness = e.harness.as(t)
	return &c
}

// ciphertext stands for an encrypted file: the server sees only bytes.
func ciphertext(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
}

func hexSum(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func partOf(data []byte, n int) []byte {
	return data[n*protocol.FilePartSize : min(len(data), (n+1)*protocol.FilePartSize)]
}

func (e *filesEnv) create(token string, size int64) protocol.Upload {
	e.t.Helper()
	r := e.do("POST", "/api/v1/uploads", token, protocol.CreateUploadRequest{Size: size})
	e.expect(r, http.StatusCreated, "")
	var up protocol.Upload
	r.decode(e.t, &up)
	return up
}

// put sends part n as body with its own digest, unless headers say otherwise.
func (e *filesEnv) put(token, id string, n int, body []byte, headers ...string) response {
	e.t.Helper()
	h := append([]string{"Content-Type", "application/octet-stream", "Content-Digest", digestOf(body)}, headers...)
	return e.do("PUT", fmt.Sprintf("/api/v1/uploads/%s/parts/%d", id, n), token, body, h...)
}

func (e *filesEnv) status(token, id string) protocol.Upload {
	e.t.Helper()
	r := e.do("GET", "/api/v1/uploads/"+id, token, nil)
	e.expect(r, http.StatusOK, "")
	var up protocol.Upload
	r.decode(e.t, &up)
	return up
}

func (e *filesEnv) complete(token, id string, sum string) response {
	e.t.Helper()
	return e.do("POST", "/api/v1/uploads/"+id+"/complete", token, protocol.CompleteUploadRequest{SHA256: sum})
}

// upload sends data whole and completes it.
func (e *filesEnv) upload(token string, data []byte) protocol.Upload {
	e.t.Helper()
	up := e.create(token, int64(len(data)))
	for n := range up.Parts {
		e.expect(e.put(token, up.ID, n, partOf(data, n)), http.StatusNoContent, "")
	}
	r := e.complete(token, up.ID, hexSum(data))
	e.expect(r, http.StatusOK, "")
	r.decode(e.t, &up)
	return up
}

// files lists the regular files under the blob store's folder.
func (e *filesEnv) files() []string {
	e.t.Helper()
	var out []string
	err := filepath.WalkDir(e.dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, strings.TrimPrefix(path, e.dir))
		}
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *filesEnv) auditOf(action string) []store.AuditEvent {
	e.t.Helper()
	evs, err := e.store.ListAudit(e.t.Context(), store.AuditFilter{Action: action})
	if err != nil {
		e.t.Fatal(err)
	}
	return evs
}

func TestUploadAndDownload(t *testing.T) {
	forEachBackendSQL(t, func(t *testing.T, s store.Store, exec execFunc) {
		e := newFilesEnv(t, s, exec, filesOpt{})
		alice := e.login("zhangjing", demo.Password)
		data := ciphertext(t, 2*protocol.FilePartSize+1234)

		up := e.create(alice, int64(len(data)))
		if len(up.ID) != 32 || up.Size != int64(len(data)) || up.PartSize != protocol.FilePartSize || up.Parts != 3 ||
			up.Received == nil || len(up.Received) != 0 || up.Complete || !up.ExpiresAt.Equal(e.clock.now().Add(24*time.Hour)) {
			t.Fatalf("created %+v", up)
		}
		for n := range 3 {
			e.expect(e.put(alice, up.ID, n, partOf(data, n)), http.StatusNoContent, "")
		}
		if got := e.status(alice, up.ID); !slices.Equal(got.Received, []int{0, 1, 2}) || got.Complete {
			t.Fatalf("status before completing %+v", got)
		}
		r := e.complete(alice, up.ID, hexSum(data))
		e.expect(r, http.StatusOK, "")
		r.decode(t, &up)
		if !up.Complete || !slices.Equal(up.Received, []int{0, 1, 2}) {
			t.Fatalf("completed %+v", up)
		}
		// Completing again (a retry after a lost answer) answers the same, once audited.
		e.expect(e.complete(alice, up.ID, hexSum(data)), http.StatusOK, "")
		e.expect(e.complete(alice, up.ID, hexSum(data[1:])), http.StatusUnprocessableEntity, protocol.CodeDigestMismatch)
		e.expect(e.put(alice, up.ID, 0, partOf(data, 0)), http.StatusConflict, protocol.CodeConflict)
		if evs := e.auditOf("file.upload"); len(evs) != 1 || evs[0].TargetID != up.ID || evs[0].ActorName != "zhangjing" ||
			evs[0].Detail != fmt.Sprintf(`{"parts":3,"size":%d}`, len(data)) {
			t.Fatalf("file.upload events %+v", evs)
		}

		path := "/api/v1/files/" + up.ID
		t.Run("whole", func(t *testing.T) {
			e := e.as(t)
			r := e.do("GET", path, alice, nil)
			e.expect(r, http.StatusOK, "")
			if !bytes.Equal(r.body, data) {
				t.Fatalf("downloaded %d bytes, not the upload", len(r.body))
			}
			want := map[string]string{
				"Content-Type": "application/octet-stream", "Cache-Control": "private, no-store", "ETag": `"` + hexSum(data) + `"`,
				"Content-Disposition": "attachment", "X-Content-Type-Options": "nosniff", "Accept-Ranges": "bytes",
				"Content-Length": strconv.Itoa(len(data)),
			}
			for k, v := range want {
				if got := r.header.Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
		})
		t.Run("ranges", func(t *testing.T) {
			e := e.as(t)
			size := len(data)
			cases := []struct {
				rng, ifRange string
				start, end   int // inclusive; -1: 416
				status       int
			}{
				{"bytes=4194000-4194999", "", 4194000, 4194999, http.StatusPartialContent}, // across parts 0 and 1
				{"bytes=8388600-", "", 8388600, size - 1, http.StatusPartialContent},
				{"bytes=-100", "", size - 100, size - 1, http.StatusPartialContent},
				{"bytes=0-0", `"` + hexSum(data) + `"`, 0, 0, http.StatusPartialContent},
				{"bytes=0-0", `"something else"`, 0, size - 1, http.StatusOK}, // If-Range of another version: the whole
				{"bytes=" + strconv.Itoa(size) + "-", "", -1, -1, http.StatusRequestedRangeNotSatisfiable},
				{"bytes=0-1,4-5", "", -1, -1, http.StatusRequestedRangeNotSatisfiable},
				{"bytes=abc", "", -1, -1, http.StatusRequestedRangeNotSatisfiable},
			}
			for _, c := range cases {
				h := []string{"Range", c.rng}
				if c.ifRange != "" {
					h = append(h, "If-Range", c.ifRange)
				}
				r := e.do("GET", path, alice, nil, h...)
				if r.status != c.status {
					t.Fatalf("%s: %d %s", c.rng, r.status, r.body)
				}
				if c.start < 0 {
					if r.err().Code != protocol.CodeRangeNotSatisfiable || r.header.Get("Content-Range") != fmt.Sprintf("bytes */%d", size) {
						t.Fatalf("%s: %s, Content-Range %q", c.rng, r.body, r.header.Get("Content-Range"))
					}
					continue
				}
				if !bytes.Equal(r.body, data[c.start:c.end+1]) {
					t.Fatalf("%s: %d bytes, not bytes %d-%d", c.rng, len(r.body), c.start, c.end)
				}
				if c.status == http.StatusPartialContent && r.header.Get("Content-Range") != fmt.Sprintf("bytes %d-%d/%d", c.start, c.end, size) {
					t.Fatalf("%s: Content-Range %q", c.rng, r.header.Get("Content-Range"))
				}
			}
		})
		t.Run("HEAD tells the size and sends nothing", func(t *testing.T) {
			e := e.as(t)
			r := e.do("HEAD", path, alice, nil)
			if r.status != http.StatusOK || len(r.body) != 0 || r.header.Get("Content-Length") != strconv.Itoa(len(data)) {
				t.Fatalf("HEAD: %d, %d bytes, Content-Length %q", r.status, len(r.body), r.header.Get("Content-Length"))
			}
		})
		t.Run("one download event per person and blob a minute", func(t *testing.T) {
			e := e.as(t)
			evs := e.auditOf("file.download")
			if len(evs) != 1 || evs[0].TargetID != up.ID || evs[0].ActorName != "zhangjing" ||
				evs[0].Detail != fmt.Sprintf(`{"length":%d,"offset":0,"purpose":"view","size":%d,"whole":true}`, len(data), len(data)) {
				t.Fatalf("file.download events %+v", evs)
			}
			e.clock.advance(time.Minute)
			e.expect(e.do("GET", path, alice, nil, "Range", "bytes=-100"), http.StatusPartialContent, "")
			evs = e.auditOf("file.download")
			if len(evs) != 2 || evs[0].Detail != fmt.Sprintf(`{"length":100,"offset":%d,"purpose":"view","size":%d,"whole":false}`, len(data)-100, len(data)) {
				t.Fatalf("file.download events after a minute %+v", evs)
			}
		})
	})
}

func TestUploadResume(t *testing.T) {
	forEachBackendSQL(t, func(t *testing.T, s store.Store, exec execFunc) {
		e := newFilesEnv(t, s, exec, filesOpt{})
		alice := e.login("zhangjing", demo.Password)
		data := ciphertext(t, 2*protocol.FilePartSize+77)
		up := e.create(alice, int64(len(data)))
		e.expect(e.put(alice, up.ID, 2, partOf(data, 2)), http.StatusNoContent, "")
		e.expect(e.put(alice, up.ID, 0, partOf(data, 0)), http.StatusNoContent, "")
		if got := e.status(alice, up.ID); !slices.Equal(got.Received, []int{0, 2}) {
			t.Fatalf("received %v, want [0 2]", got.Received)
		}
		r := e.complete(alice, up.ID, hexSum(data))
		e.expect(r, http.StatusConflict, protocol.CodeUploadIncomplete)
		if err := r.err(); err.Field != "parts" || !strings.Contains(err.Message, "1 of 3 parts are missing: 1") {
			t.Fatalf("incomplete: %+v", err)
		}
		// The connection dropped during part 1 once; it is sent again whole.
		e.expect(e.put(alice, up.ID, 1, partOf(data, 1)), http.StatusNoContent, "")
		e.expect(e.put(alice, up.ID, 1, partOf(data, 1)), http.StatusNoContent, "")
		e.expect(e.complete(alice, up.ID, hexSum(data)), http.StatusOK, "")
		r = e.do("GET", "/api/v1/files/"+up.ID, alice, nil)
		if r.status != http.StatusOK || !bytes.Equal(r.body, data) {
			t.Fatalf("download after resume: %d, %d bytes", r.status, len(r.body))
		}
	})
}

func TestUploadRefusals(t *testing.T) {
	forEachBackendSQL(t, func(t *testing.T, s store.Store, exec execFunc) {
		e := newFilesEnv(t, s, exec, filesOpt{})
		alice := e.login("zhangjing", demo.Password)
		bob := e.login("heping", demo.Password)
		data := ciphertext(t, protocol.FilePartSize+1234)
		up := e.create(alice, int64(len(data)))
		e.expect(e.put(alice, up.ID, 0, partOf(data, 0)), http.StatusNoContent, "")
		last := partOf(data, 1)
		partPath := fmt.Sprintf("/api/v1/uploads/%s/parts/1", up.ID)

		badDigest := digestOf([]byte("something else"))
		cases := []struct {
			name   string
			do     func() response
			status int
			code   protocol.Code
			field  string
		}{
			{"a part larger than declared", func() response { return e.put(alice, up.ID, 1, append(slices.Clone(last), 0)) }, 413, protocol.CodeTooLarge, ""},
			{"a part larger than any", func() response { return e.put(alice, up.ID, 0, make([]byte, protocol.FilePartSize+1)) }, 413, protocol.CodeTooLarge, ""},
			{"a part shorter than declared", func() response { return e.put(alice, up.ID, 1, last[1:]) }, 400, protocol.CodeBadRequest, "Content-Length"},
			{"a wrong digest", func() response { return e.put(alice, up.ID, 1, last, "Content-Digest", badDigest) }, 422, protocol.CodeDigestMismatch, ""},
			{"no digest", func() response {
				return e.do("PUT", partPath, alice, last, "Content-Type", "application/octet-stream")
			}, 400, protocol.CodeBadRequest, "Content-Digest"},
			{"another algorithm", func() response {
				return e.put(alice, up.ID, 1, last, "Content-Digest", "sha-512=:"+base64.StdEncoding.EncodeToString(make([]byte, 64))+":")
			}, 400, protocol.CodeBadRequest, "Content-Digest"},
			{"a JSON body", func() response {
				return e.do("PUT", partPath, alice, last, "Content-Digest", digestOf(last))
			}, 415, protocol.CodeUnsupportedMedia, ""},
			{"a part number past the end", func() response { return e.put(alice, up.ID, 2, last) }, 400, protocol.CodeBadRequest, "n"},
			{"a part number that is not one", func() response {
				return e.do("PUT", "/api/v1/uploads/"+up.ID+"/parts/-1", alice, last, "Content-Type", "application/octet-stream", "Content-Digest", digestOf(last))
			}, 400, protocol.CodeBadRequest, "n"},
			{"another person's upload: status", func() response { return e.do("GET", "/api/v1/uploads/"+up.ID, bob, nil) }, 404, protocol.CodeNotFound, ""},
			{"another person's upload: part", func() response { return e.put(bob, up.ID, 1, last) }, 404, protocol.CodeNotFound, ""},
			{"another person's upload: complete", func() response { return e.complete(bob, up.ID, hexSum(data)) }, 404, protocol.CodeNotFound, ""},
			{"another person's upload: cancel", func() response { return e.do("DELETE", "/api/v1/uploads/"+up.ID, bob, nil) }, 404, protocol.CodeNotFound, ""},
			{"another person's upload: download", func() response { return e.do("GET", "/api/v1/files/"+up.ID, bob, nil) }, 404, protocol.CodeNotFound, ""},
			{"an unknown upload", func() response { return e.do("GET", "/api/v1/uploads/"+strings.Repeat("0", 32), alice, nil) }, 404, protocol.CodeNotFound, ""},
			{"a download before completion", func() response { return e.do("GET", "/api/v1/files/"+up.ID, alice, nil) }, 409, protocol.CodeUploadIncomplete, ""},
			{"a completion with parts missing", func() response { return e.complete(alice, up.ID, hexSum(data)) }, 409, protocol.CodeUploadIncomplete, "parts"},
			{"a completion hash that is not one", func() response { return e.complete(alice, up.ID, strings.ToUpper(hexSum(data))) }, 400, protocol.CodeBadRequest, "sha256"},
			{"size 0", func() response { return e.do("POST", "/api/v1/uploads", alice, protocol.CreateUploadRequest{}) }, 400, protocol.CodeBadRequest, "size"},
			{"larger than the largest file", func() response {
				return e.do("POST", "/api/v1/uploads", alice, protocol.CreateUploadRequest{Size: protocol.CiphertextSize(protocol.DefaultMaxFileSize) + 1})
			}, 413, protocol.CodeFileTooLarge, ""},
			// Only the part route takes a body that is not JSON, and none takes more.
			{"4 MiB of octets to a JSON route", func() response {
				return e.do("POST", "/api/v1/uploads", alice, make([]byte, protocol.FilePartSize), "Content-Type", "application/octet-stream")
			}, 415, protocol.CodeUnsupportedMedia, ""},
			{"4 MiB of JSON", func() response {
				return e.do("POST", "/api/v1/uploads", alice, `{"size":`+strings.Repeat(" ", protocol.FilePartSize)+`1}`)
			}, 413, protocol.CodeTooLarge, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e := e.as(t)
				r := c.do()
				e.expect(r, c.status, c.code)
				if r.err().Field != c.field {
					t.Fatalf("field %q, want %q: %s", r.err().Field, c.field, r.body)
				}
			})
		}
		// None of that stored or recorded anything: part 0 as it was, part 1 absent.
		if got := e.status(alice, up.ID); !slices.Equal(got.Received, []int{0}) || got.Complete {
			t.Fatalf("after the refusals: %+v", got)
		}
		if got := e.files(); len(got) != 1 {
			t.Fatalf("blob store holds %v, want part 0 only", got)
		}
		// A bad copy of a good part leaves the good one in place.
		e.expect(e.put(alice, up.ID, 0, partOf(data, 0), "Content-Digest", badDigest), 422, protocol.CodeDigestMismatch)
		e.expect(e.put(alice, up.ID, 1, last), http.StatusNoContent, "")
		// Parts that each match their digest but not the whole hash the client names.
		e.expect(e.complete(alice, up.ID, hexSum(append(slices.Clone(data[:len(data)-1]), ^data[len(data)-1]))), 422, protocol.CodeDigestMismatch)
		if got := e.status(alice, up.ID); got.Complete {
			t.Fatal("completed despite the hash")
		}
		e.expect(e.complete(alice, up.ID, hexSum(data)), http.StatusOK, "")

		t.Run("ids with path characters", func(t *testing.T) {
			e := e.as(t)
			for _, id := range []string{"..%2F..%2F..%2Fetc%2Fpasswd", "%2E%2E", strings.ToUpper(up.ID), up.ID[:31], up.ID + "0", up.ID[:31] + "%2F", "..%5C" + up.ID[5:]} {
				for _, r := range []response{
					e.do("GET", "/api/v1/uploads/"+id, alice, nil),
					e.do("GET", "/api/v1/files/"+id, alice, nil),
					e.do("DELETE", "/api/v1/uploads/"+id, alice, nil),
					e.do("POST", "/api/v1/uploads/"+id+"/complete", alice, protocol.CompleteUploadRequest{SHA256: hexSum(data)}),
					e.do("PUT", "/api/v1/uploads/"+id+"/parts/0", alice, last, "Content-Type", "application/octet-stream", "Content-Digest", digestOf(last)),
				} {
					if r.status != http.StatusBadRequest || r.err().Code != protocol.CodeBadRequest || r.err().Field != "id" {
						t.Fatalf("id %q: %d %s", id, r.status, r.body)
					}
				}
			}
		})
	})
}

func TestUploadLimits(t *testing.T) {
	forEachBackendSQL(t, func(t *testing.T, s store.Store, exec execFunc) {
		t.Run("quota", func(t *testing.T) {
			e := newFilesEnv(t, s, exec, filesOpt{limits: files.Limits{Quota: 10_000}})
			alice := e.login("zhangjing", demo.Password)
			e.create(alice, 6000)
			e.create(alice, 4000)
			r := e.do("POST", "/api/v1/uploads", alice, protocol.CreateUploadRequest{Size: 1})
			e.expect(r, http.StatusInsufficientStorage, protocol.CodeQuotaExceeded)
			if used, _ := s.BlobBytesInUse(t.Context(), e.userID("zhangjing")); used != 10_000 {
				t.Fatalf("%d bytes in use after the refusal", used)
			}
			// Someone else's quota is their own.
			e.create(e.login("heping", demo.Password), 10_000)
		})
		t.Run("largest file", func(t *testing.T) {
			e := newFilesEnv(t, s, exec, filesOpt{limits: files.Limits{MaxFileSize: 1 << 20}})
			alice := e.login("zhangjing", demo.Password)
			max := protocol.CiphertextSize(1 << 20)
			e.create(alice, max)
			e.expect(e.do("POST", "/api/v1/uploads", alice, protocol.CreateUploadRequest{Size: max + 1}), http.StatusRequestEntityTooLarge, protocol.CodeFileTooLarge)
			var info protocol.Info
			r := e.do("GET", "/api/v1/info", "", nil)
			r.decode(t, &info)
			if info.MaxFileSize != 1<<20 || info.PartSize != protocol.FilePartSize {
				t.Fatalf("info %+v", info)
			}
		})
		t.Run("uploads per minute", func(t *testing.T) {
			e := newFilesEnv(t, s, exec, filesOpt{perMinute: 2})
			alice := e.login("zhangjing", demo.Password)
			e.create(alice, 10)
			e.create(alice, 10)
			r := e.do("POST", "/api/v1/uploads", alice, protocol.CreateUploadRequest{Size: 10})
			e.expect(r, http.StatusTooManyRequests, protocol.CodeRateLimited)
			if r.err().RetryAfter != 30 || r.header.Get("Retry-After") != "30" {
				t.Fatalf("retry after %d, header %q", r.err().RetryAfter, r.header.Get("Retry-After"))
			}
			e.create(e.login("heping", demo.Password), 10) // per person
			e.clock.advance(30 * time.Second)
			e.create(alice, 10)
		})
	})
}

// TestUploadStoreUnreachable: a part sent while the blob store cannot be reached is
// neither stored nor recorded, and answers 503; sent again later, it is taken.
func TestUploadStoreUnreachable(t *testing.T) {
	forEachBackendSQL(t, func(t *testing.T, s store.Store, exec execFunc) {
		e := newFilesEnv(t, s, exec, filesOpt{})
		alice := e.login("zhangjing", demo.Password)
		data := ciphertext(t, 1000)
		up := e.create(alice, int64(len(data)))
		e.blobs.setDown(true)
		e.expect(e.put(alice, up.ID, 0, data), http.StatusServiceUnavailable, protocol.CodeUnavailable)
		if got := e.status(alice, up.ID); len(got.Received) != 0 {
			t.Fatalf("part recorded %v", got.Received)
		}
		e.blobs.setDown(false)
		if got := e.files(); len(got) != 0 {
			t.Fatalf("blob store holds %v", got)
		}
		e.expect(e.put(alice, up.ID, 0, data), http.StatusNoContent, "")
		e.expect(e.complete(alice, up.ID, hexSum(data)), http.StatusOK, "")
		// A download while it is unreachable answers 503 too (and is not audited).
		e.blobs.setDown(true)
		e.expect(e.do("GET", "/api/v1/files/"+up.ID, alice, nil), http.StatusServiceUnavailable, protocol.CodeUnavailable)
		if evs := e.auditOf("file.download"); len(evs) != 0 {
			t.Fatalf("a download that failed was audited: %+v", evs)
		}
	})
}

// TestUploadDiskFull puts the blob store on a real 6 MiB disk (tmpfstest), so the second
// 4 MiB part gets ENOSPC from the kernel half-way. Where the machine allows no namespace
// it skips (the blob package's TestDiskErr checks the mapping).
func TestUploadDiskFull(t *testing.T) {
	tmpfstest.Run(t, "6m", uploadOnFullDisk)
}

func uploadOnFullDisk(t *testing.T, dir string) {
	forEachBackendSQL(t, func(t *testing.T, s store.Store, exec execFunc) {
		// Each backend's run has the whole small disk.
		sub := filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "-"))
		t.Cleanup(func() { os.RemoveAll(sub) })
		e := newFilesEnv(t, s, exec, filesOpt{dir: sub})
		alice := e.login("zhangjing", demo.Password)
		data := ciphertext(t, 2*protocol.FilePartSize)
		up := e.create(alice, int64(len(data)))
		e.expect(e.put(alice, up.ID, 0, partOf(data, 0)), http.StatusNoContent, "")
		e.expect(e.put(alice, up.ID, 1, partOf(data, 1)), http.StatusInsufficientStorage, protocol.CodeInsufficientStorage)
		if got := e.status(alice, up.ID); !slices.Equal(got.Received, []int{0}) {
			t.Fatalf("received %v after the disk filled, want [0]", got.Received)
		}
		if got := e.files(); len(got) != 1 {
			t.Fatalf("blob store holds %v, want part 0 alone (no half part)", got)
		}
		// Cancelling frees the room; a smaller file then goes in.
		e.expect(e.do("DELETE", "/api/v1/uploads/"+up.ID, alice, nil), http.StatusNoContent, "")
		small := data[:3<<20]
		e.upload(alice, small)
	})
}

func TestDownloadAccess(t *testing.T) {
	forEachBackendSQL(t, func(t *testing.T, s store.Store, exec execFunc) {
		e := newFilesEnv(t, s, exec, filesOpt{})
		lead := e.login("lihua", demo.Password)
		member := e.login("zhangjing", demo.Password)
		outsider := e.login("heping", demo.Password)
		r := e.do("POST", "/api/v1/channels", lead, protocol.CreateGroupRequest{Name: "预算编制专班", Members: []int64{e.userID("zhangjing")}})
		e.expect(r, http.StatusCreated, "")
		var ch protocol.Channel
		r.decode(t, &ch)

		data := ciphertext(t, 5000)
		up := e.upload(lead, data)
		path := "/api/v1/files/" + up.ID
		// Until it is sent, the uploader alone may read it.
		e.expect(e.do("GET", path, member, nil), http.StatusNotFound, protocol.CodeNotFound)
		// Sent in the channel: what the send path writes.
		res, err := s.AppendMessages(t.Context(), []store.NewMessage{{ChannelID: ch.ID, SenderID: e.userID("lihua"), ClientID: "f1", CreatedAt: e.clock.now()}})
		if err != nil || res[0].Err != nil {
			t.Fatal(err, res)
		}
		exec(t, `INSERT INTO blob_refs (blob_id, channel_id, seq, created_at) VALUES (?, ?, ?, ?)`, up.ID, ch.ID, res[0].Message.Seq, e.clock.now().UnixMilli())
		exec(t, `UPDATE blobs SET attached_at = ? WHERE id = ?`, e.clock.now().UnixMilli(), up.ID)

		r = e.do("GET", path, member, nil)
		if r.status != http.StatusOK || !bytes.Equal(r.body, data) {
			t.Fatalf("member: %d %s", r.status, r.body[:min(len(r.body), 200)])
		}
		e.expect(e.do("GET", path, outsider, nil), http.StatusNotFound, protocol.CodeNotFound)
		// Sent, it can no longer be cancelled.
		e.expect(e.do("DELETE", "/api/v1/uploads/"+up.ID, lead, nil), http.StatusConflict, protocol.CodeConflict)

		// Removed from the channel, the member loses it at once.
		e.expect(e.do("DELETE", fmt.Sprintf("/api/v1/channels/%d/members/%d", ch.ID, e.userID("zhangjing")), lead, nil), http.StatusNoContent, "")
		e.expect(e.do("GET", path, member, nil), http.StatusNotFound, protocol.CodeNotFound)
		e.expect(e.do("GET", path, lead, nil), http.StatusOK, "")
		if evs := e.auditOf("file.download"); len(evs) != 2 || evs[0].ActorName != "lihua" || evs[1].ActorName != "zhangjing" {
			t.Fatalf("download events %+v", evs)
		}
	})
}

func TestCancelAndSweep(t *testing.T) {
	forEachBackendSQL(t, func(t *testing.T, s store.Store, exec execFunc) {
		e := newFilesEnv(t, s, exec, filesOpt{})
		alice := e.login("zhangjing", demo.Password)
		data := ciphertext(t, 2*protocol.FilePartSize+10)
		gone := func(t *testing.T, id string) {
			t.Helper()
			if _, err := s.GetBlob(t.Context(), id); err == nil {
				t.Fatalf("row of %s left behind", id)
			}
			if parts, err := s.ListBlobParts(t.Context(), id); err != nil || len(parts) != 0 {
				t.Fatalf("parts of %s left behind: %v %v", id, parts, err)
			}
		}

		// Cancelled half-way: its parts and row go at once.
		half := e.create(alice, int64(len(data)))
		e.expect(e.put(alice, half.ID, 0, partOf(data, 0)), http.StatusNoContent, "")
		e.expect(e.put(alice, half.ID, 1, partOf(data, 1)), http.StatusNoContent, "")
		e.expect(e.do("DELETE", "/api/v1/uploads/"+half.ID, alice, nil), http.StatusNoContent, "")
		gone(t, half.ID)
		if got := e.files(); len(got) != 0 {
			t.Fatalf("blob store holds %v after the cancel", got)
		}
		e.expect(e.do("GET", "/api/v1/uploads/"+half.ID, alice, nil), http.StatusNotFound, protocol.CodeNotFound)
		e.expect(e.put(alice, half.ID, 2, partOf(data, 2)), http.StatusNotFound, protocol.CodeNotFound)

		// Cancelled while the blob store would not delete: the cancel stands, the sweep
		// finishes it.
		stuck := e.create(alice, int64(len(data)))
		e.expect(e.put(alice, stuck.ID, 0, partOf(data, 0)), http.StatusNoContent, "")
		e.blobs.setDown(true)
		e.expect(e.do("DELETE", "/api/v1/uploads/"+stuck.ID, alice, nil), http.StatusNoContent, "")
		e.expect(e.do("GET", "/api/v1/uploads/"+stuck.ID, alice, nil), http.StatusNotFound, protocol.CodeNotFound)
		e.expect(e.put(alice, stuck.ID, 1, partOf(data, 1)), http.StatusNotFound, protocol.CodeNotFound)
		res, err := e.svc.Sweep(t.Context())
		if err != nil || res.Removed != 0 || res.Failed != 1 {
			t.Fatalf("sweep with the store refusing: %+v, %v", res, err)
		}
		e.blobs.setDown(false)

		// Abandoned: never completed, never cancelled; and one complete but never sent.
		abandoned := e.create(alice, int64(len(data)))
		e.expect(e.put(alice, abandoned.ID, 2, partOf(data, 2)), http.StatusNoContent, "")
		unsent := e.upload(alice, data[:100])
		kept := e.upload(alice, data[:200])
		exec(t, `UPDATE blobs SET attached_at = 1 WHERE id = ?`, kept.ID)

		res, err = e.svc.Sweep(t.Context())
		if err != nil || res.Removed != 1 || res.Cancelled != 1 || res.Bytes != int64(len(data)) {
			t.Fatalf("sweep of the cancelled one: %+v, %v", res, err)
		}
		gone(t, stuck.ID)

		e.clock.advance(files.UploadTTL)
		alice = e.login("zhangjing", demo.Password) // the session did not last the day
		young := e.create(alice, 10)
		res, err = e.svc.Sweep(t.Context())
		if err != nil || res.Removed != 2 || res.Cancelled != 0 || res.Bytes != int64(len(data)+100) {
			t.Fatalf("sweep a day later: %+v, %v", res, err)
		}
		gone(t, abandoned.ID)
		gone(t, unsent.ID)
		e.expect(e.do("GET", "/api/v1/files/"+kept.ID, alice, nil), http.StatusOK, "")
		e.status(alice, young.ID)
		if got := e.files(); len(got) != 1 || !strings.Contains(got[0], kept.ID) {
			t.Fatalf("blob store holds %v, want the sent file only", got)
		}
		if res, err := e.svc.Sweep(t.Context()); err != nil || res != (files.SweepResult{}) {
			t.Fatalf("a sweep with nothing to do: %+v, %v", res, err)
		}
		evs := e.auditOf("file.sweep")
		if len(evs) != 2 || evs[0].ActorID != 0 || evs[0].ActorName != "system" ||
			evs[0].Detail != fmt.Sprintf(`{"bytes":%d,"cancelled":0,"failed":0,"removed":2}`, len(data)+100) {
			t.Fatalf("file.sweep events %+v", evs)
		}
		if evs := e.auditOf("file.upload_cancel"); len(evs) != 2 || evs[1].TargetID != half.ID || evs[1].Detail != fmt.Sprintf(`{"complete":false,"size":%d}`, len(data)) {
			t.Fatalf("file.upload_cancel events %+v", evs)
		}
		var detail map[string]any
		for _, ev := range append(e.auditOf("file."), e.auditOf("auth.")...) {
			if ev.Detail != "" && json.Unmarshal([]byte(ev.Detail), &detail) != nil {
				t.Fatalf("detail %q is not JSON", ev.Detail)
			}
		}
	})
}

// slowReader pauses after every chunk bytes, like a phone on a poor line.
type slowReader struct {
	r     io.Reader
	chunk int
	pause time.Duration
	since int
}

func (s *slowReader) Read(p []byte) (int, error) {
	if s.since >= s.chunk {
		time.Sleep(s.pause)
		s.since = 0
	}
	n, err := s.r.Read(p[:min(len(p), s.chunk-s.since)])
	s.since += n
	return n, err
}

// TestSlowTransfersOutliveServerTimeouts: the server's read and write timeouts bound a
// whole request (a minute in production), which a 4 MiB part on a slow line or a large
// download exceeds; the file routes move the deadlines on while bytes flow.
func TestSlowTransfersOutliveServerTimeouts(t *testing.T) {
	e := newFilesEnv(t, storetest.NewSQLite(t), nil, filesOpt{})
	srv := httptest.NewUnstartedServer(httpapi.New(e.deps))
	srv.Config.ReadTimeout, srv.Config.WriteTimeout = 300*time.Millisecond, 300*time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close)
	token := e.login("zhangjing", demo.Password)
	data := ciphertext(t, 12<<20)
	up := e.create(token, int64(len(data)))
	for n := range up.Parts {
		part := partOf(data, n)
		body := io.Reader(bytes.NewReader(part))
		if n == 0 {
			body = &slowReader{r: body, chunk: 512 << 10, pause: 100 * time.Millisecond} // 0.8 s
		}
		req, _ := http.NewRequest("PUT", fmt.Sprintf("%s/api/v1/uploads/%s/parts/%d", srv.URL, up.ID, n), body)
		req.ContentLength = int64(len(part))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/octet-stream")
		req.Header.Set("Content-Digest", digestOf(part))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatalf("part %d: %v", n, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("part %d: %d", n, resp.StatusCode)
		}
	}
	e.expect(e.complete(token, up.ID, hexSum(data)), http.StatusOK, "")
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/files/"+up.ID, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(&slowReader{r: resp.Body, chunk: 256 << 10, pause: 20 * time.Millisecond}) // about a second
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("slow download: %d bytes of %d, %v", len(got), len(data), err)
	}
}
