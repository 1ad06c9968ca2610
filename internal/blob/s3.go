package blob

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"govchat/protocol"
)

// S3Options name an S3-compatible bucket (Ceph RGW, versitygw, MinIO, AWS …).
type S3Options struct {
	Endpoint  string // http(s)://host[:port] of the S3 API; the bucket goes in the path
	Bucket    string
	Region    string // signed into every request; most S3-compatible servers take any; default us-east-1
	AccessKey string
	SecretKey string

	// OpTimeout bounds a HEAD, LIST or DELETE; default 10 s.
	OpTimeout time.Duration
	// StallTimeout ends a part's PUT or GET when the S3 side makes no progress for this
	// long; default 30 s. Time spent waiting for the uploader (the part is spooled
	// first) or the downloader does not count: the HTTP server's timeouts bound those.
	StallTimeout time.Duration
	// SpoolDir holds each part being uploaded (unnamed, for the PUT's length); default
	// os.TempDir().
	SpoolDir string
	// RootCAs verify an https endpoint; nil means the system's, to which SSL_CERT_FILE
	// or SSL_CERT_DIR can add an organisation's own CA.
	RootCAs *x509.CertPool
}

// DefaultRegion is the region signed when none is configured.
const DefaultRegion = "us-east-1"

// S3 keeps blobs in one bucket, a part per object: blobs/<id[:2]>/<id>/<part>. Parts are
// at most 4 MiB and S3's multipart parts must be at least 5 MiB, so each part is a plain
// PUT, which S3 makes visible atomically: a reader sees the old object or the new one.
type S3 struct {
	client    *s3.Client
	bucket    string
	spool     string
	opTimeout time.Duration
	stall     time.Duration
}

// NewS3 configures a client for an S3-compatible server: the endpoint as given,
// path-style addressing (no per-bucket DNS names), static credentials (never the AWS
// shared files or AWS_* variables), and checksums only where the operation requires
// them — newer SDKs otherwise send CRC32 trailers that many S3-compatible servers
// refuse. It does not contact the server; Ping does.
func NewS3(o S3Options) (*S3, error) {
	u, err := url.Parse(o.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("blob: s3 endpoint must be http(s)://host[:port], got %q", o.Endpoint)
	}
	if o.Bucket == "" {
		return nil, errors.New("blob: s3 bucket missing")
	}
	if o.AccessKey == "" || o.SecretKey == "" {
		return nil, errors.New("blob: s3 access key and secret key are both needed")
	}
	if o.Region == "" {
		o.Region = DefaultRegion
	}
	if o.OpTimeout <= 0 {
		o.OpTimeout = 10 * time.Second
	}
	if o.StallTimeout <= 0 {
		o.StallTimeout = 30 * time.Second
	}
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       &tls.Config{RootCAs: o.RootCAs, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: o.StallTimeout,
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          128,
		MaxIdleConnsPerHost:   64, // concurrent uploads and downloads all go to one host
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	client := s3.New(s3.Options{
		BaseEndpoint:               aws.String(o.Endpoint),
		UsePathStyle:               true,
		Region:                     o.Region,
		Credentials:                credentials.NewStaticCredentialsProvider(o.AccessKey, o.SecretKey, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
		HTTPClient:                 &http.Client{Transport: transport},
		// Three tries with short waits: a blip is ridden out, an outage is reported
		// (as ErrUnavailable) within seconds rather than after the SDK's 20 s backoff.
		Retryer: retry.NewStandard(func(r *retry.StandardOptions) {
			r.MaxAttempts = 3
			r.MaxBackoff = time.Second
			r.RateLimiter = ratelimit.None
		}),
	})
	return &S3{client: client, bucket: o.Bucket, spool: o.SpoolDir, opTimeout: o.OpTimeout, stall: o.StallTimeout}, nil
}

func partKey(id string, n int) string {
	return blobPrefix(id) + strconv.Itoa(n)
}

func blobPrefix(id string) string { return "blobs/" + id[:2] + "/" + id + "/" }

// PutPart implements Store. The body is first spooled to an unnamed temporary file
// (ciphertext only; os.TempDir) and its size checked there, so a body shorter or
// longer than declared, or one whose reader fails (a digest checked as it is read),
// never reaches S3. The part then goes up with its SHA-256 (taken while spooling)
// signed as the payload hash, over http and https alike, and the S3 server checks it:
// a PUT cut off mid-way cannot leave a truncated part behind, as a server that takes
// a short body at its word would otherwise (versitygw does). The file also lets the
// SDK retry the PUT.
func (s *S3) PutPart(ctx context.Context, id string, n int, body io.Reader, size int64) error {
	if err := checkID(id, n); err != nil {
		return err
	}
	if err := checkSize(size); err != nil {
		return err
	}
	f, err := os.CreateTemp(s.spool, "govchat-part-*")
	if err != nil {
		return diskErr("spool part", err)
	}
	os.Remove(f.Name()) // unnamed from now on: nothing is left behind, even by a crash
	defer f.Close()
	src := &readErr{r: ctxReader{ctx, body}}
	sum := sha256.New()
	if _, err := io.CopyN(io.MultiWriter(f, sum), src, size); err != nil {
		switch {
		case src.err == io.EOF:
			return ErrShortBody
		case src.err != nil:
			return fmt.Errorf("blob: read part: %w", src.err)
		}
		return diskErr("spool part", err)
	}
	if err := atEnd(body); err != nil {
		if errors.Is(err, ErrShortBody) {
			return ErrShortBody
		}
		return fmt.Errorf("blob: read part: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return diskErr("spool part", err)
	}
	rctx, g := s.guard(ctx)
	defer g.done()
	g.run()
	_, err = s.client.PutObject(rctx, &s3.PutObjectInput{
		Bucket:        aws.String(s.bucket),
		Key:           aws.String(partKey(id, n)),
		Body:          &progress{f: f, g: g},
		ContentLength: aws.Int64(size),
		ContentType:   aws.String("application/octet-stream"),
	}, s3.WithAPIOptions(signPayload(hex.EncodeToString(sum.Sum(nil)))))
	return s.fail(ctx, rctx, "put part", err)
}

// signPayload puts the part's SHA-256 into the request's signature as its payload hash.
// The SDK would sign UNSIGNED-PAYLOAD over https (trusting TLS to deliver every byte),
// and then a connection cut short leaves a server that takes a short body at its word
// nothing to check it against.
func signPayload(sha256Hex string) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("GovchatPayloadHash",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				return next.HandleFinalize(v4.SetPayloadHash(ctx, sha256Hex), in)
			}), (&v4.ComputePayloadSHA256{}).ID(), middleware.Before)
	}
}

// readErr remembers the error of the reader it wraps, to tell the uploader's failures
// from the spool file's.
type readErr struct {
	r   io.Reader
	err error
}

func (r *readErr) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil {
		r.err = err
	}
	return n, err
}

// atEnd checks that r has nothing more to give.
func atEnd(r io.Reader) error {
	var one [1]byte
	for range 100 {
		m, err := r.Read(one[:])
		switch {
		case m > 0:
			return ErrShortBody
		case err == io.EOF:
			return nil
		case err != nil:
			return err
		}
	}
	return io.ErrNoProgress
}

// progress is the spooled part as the transport sends it: each read is progress, so
// the stall guard starts over. It seeks, so the SDK can retry.
type progress struct {
	f *os.File
	g *stallGuard
}

func (p *progress) Read(b []byte) (int, error) {
	n, err := p.f.Read(b)
	p.g.run()
	return n, err
}

func (p *progress) Seek(offset int64, whence int) (int64, error) { return p.f.Seek(offset, whence) }

// StatPart implements Store.
func (s *S3) StatPart(ctx context.Context, id string, n int) (int64, error) {
	if err := checkID(id, n); err != nil {
		return 0, err
	}
	octx, cancel := context.WithTimeout(ctx, s.opTimeout)
	defer cancel()
	out, err := s.client.HeadObject(octx, &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(partKey(id, n))})
	if err != nil {
		return 0, s.fail(ctx, octx, "stat part", err)
	}
	return aws.ToInt64(out.ContentLength), nil
}

// OpenRange implements Store: one ranged GET per part the range touches, each made when
// the reader reaches it.
func (s *S3) OpenRange(ctx context.Context, id string, offset, length int64) (io.ReadCloser, error) {
	if err := checkID(id, 0); err != nil {
		return nil, err
	}
	if offset < 0 || length < 0 {
		return nil, fmt.Errorf("blob: invalid range %d+%d", offset, length)
	}
	part, within := partSpan(offset)
	r := &s3Range{s: s, ctx: ctx, id: id, part: part, within: within, left: length}
	// The first part now, so a missing blob is an error here and not mid-stream.
	if length > 0 {
		if err := r.next(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

type s3Range struct {
	s      *S3
	ctx    context.Context
	id     string
	part   int
	within int64
	left   int64

	body io.ReadCloser
	rctx context.Context
	g    *stallGuard
}

// next opens the current part from within to as far as the range needs. A part that
// ends before that (the blob's last) simply ends the body early, and Read goes on to
// the next part, as the local store does.
func (r *s3Range) next() error {
	want := min(r.left, protocol.FilePartSize-r.within)
	for {
		rctx, g := r.s.guard(r.ctx)
		g.run()
		out, err := r.s.client.GetObject(rctx, &s3.GetObjectInput{
			Bucket: aws.String(r.s.bucket),
			Key:    aws.String(partKey(r.id, r.part)),
			Range:  aws.String(fmt.Sprintf("bytes=%d-%d", r.within, r.within+want-1)),
		})
		g.pause()
		if err != nil {
			var api smithy.APIError
			if errors.As(err, &api) && api.ErrorCode() == "InvalidRange" {
				// The range starts at or past this part's end: on to the next part.
				g.done()
				r.part, r.within = r.part+1, 0
				want = min(r.left, protocol.FilePartSize)
				continue
			}
			err = r.s.fail(r.ctx, rctx, "get part", err)
			g.done()
			return err
		}
		if r.within > 0 && out.ContentRange == nil {
			// A server (or a proxy) that ignored Range sends the part from its start.
			out.Body.Close()
			g.done()
			return fmt.Errorf("blob: s3 get part: the answer ignored the byte range asked for")
		}
		r.body, r.rctx, r.g, r.within = out.Body, rctx, g, 0
		return nil
	}
}

func (r *s3Range) Read(p []byte) (int, error) {
	for {
		if r.left == 0 {
			return 0, io.EOF
		}
		if err := r.ctx.Err(); err != nil {
			return 0, err
		}
		if r.body == nil {
			if err := r.next(); err != nil {
				return 0, err
			}
		}
		if int64(len(p)) > r.left {
			p = p[:r.left]
		}
		r.g.run()
		n, err := r.body.Read(p)
		r.g.pause()
		r.left -= int64(n)
		if err == io.EOF {
			r.closePart()
			r.part++
			if n > 0 {
				return n, nil
			}
			continue
		}
		if err != nil {
			return n, r.s.fail(r.ctx, r.rctx, "read part", err)
		}
		return n, nil
	}
}

func (r *s3Range) closePart() {
	if r.body != nil {
		r.body.Close()
		r.g.done()
		r.body, r.g = nil, nil
	}
}

func (r *s3Range) Close() error {
	r.closePart()
	return nil
}

// Delete implements Store: every object under the blob's prefix, one DELETE each.
// DeleteObjects would take a thousand at once, but S3 requires a checksum on it, and
// the SDK's CRC32 there is what older RGW and other S3-compatible servers refuse; a
// blob has at most a few hundred parts, deleted eight at a time.
func (s *S3) Delete(ctx context.Context, id string) error {
	if err := checkID(id, 0); err != nil {
		return err
	}
	var token *string
	for {
		octx, cancel := context.WithTimeout(ctx, s.opTimeout)
		page, err := s.client.ListObjectsV2(octx, &s3.ListObjectsV2Input{
			Bucket: aws.String(s.bucket), Prefix: aws.String(blobPrefix(id)), ContinuationToken: token,
		})
		if err != nil {
			err = s.fail(ctx, octx, "list parts", err)
			cancel()
			return err
		}
		cancel()
		keys := make([]string, 0, len(page.Contents))
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
		if err := s.deleteKeys(ctx, keys); err != nil {
			return err
		}
		if !aws.ToBool(page.IsTruncated) || page.NextContinuationToken == nil {
			return nil
		}
		token = page.NextContinuationToken
	}
}

func (s *S3) deleteKeys(ctx context.Context, keys []string) error {
	const parallel = 8
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		slots = make(chan struct{}, parallel)
	)
	for _, key := range keys {
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-slots; wg.Done() }()
			octx, cancel := context.WithTimeout(ctx, s.opTimeout)
			defer cancel()
			_, err := s.client.DeleteObject(octx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
			if err = s.fail(ctx, octx, "delete part", err); err != nil && !errors.Is(err, ErrNotFound) {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return first
}

// Ping implements Store: the bucket is there and the credentials open it.
func (s *S3) Ping(ctx context.Context) error {
	octx, cancel := context.WithTimeout(ctx, s.opTimeout)
	defer cancel()
	_, err := s.client.HeadBucket(octx, &s3.HeadBucketInput{Bucket: aws.String(s.bucket)})
	err = s.fail(ctx, octx, "ping", err)
	if errors.Is(err, ErrNotFound) {
		// HEAD answers a missing bucket with a bare 404; blobs cannot be kept there.
		return fmt.Errorf("blob: s3 ping: bucket %q not found: %w", s.bucket, ErrUnavailable)
	}
	return err
}

// errStalled is the cause of a request ended by its stall guard or timeout.
var errStalled = errors.New("no progress")

// fail names what failed and sorts the SDK's error into the store's: ErrNotFound,
// ErrFull, ErrUnavailable, or the caller's own cancellation. parent is the caller's
// context, rctx the one the request ran under (with the store's timeouts).
func (s *S3) fail(parent, rctx context.Context, what string, err error) error {
	if err == nil {
		return nil
	}
	if perr := parent.Err(); perr != nil {
		return fmt.Errorf("blob: s3 %s: %w", what, perr) // the caller went away; S3 may be fine
	}
	if cause := context.Cause(rctx); errors.Is(cause, errStalled) || errors.Is(cause, context.DeadlineExceeded) {
		// Our own bound ran out: a timeout or a stalled transfer.
		return fmt.Errorf("blob: s3 %s: %w: %w", what, ErrUnavailable, cause)
	}
	if kind := classifyS3(err); kind != nil {
		return fmt.Errorf("blob: s3 %s: %w: %w", what, kind, err)
	}
	return fmt.Errorf("blob: s3 %s: %w", what, err)
}

// classifyS3 maps an S3 error onto ErrNotFound, ErrFull or ErrUnavailable; nil when it
// is none of them (a bug of ours, say, and then a plain 500 is right).
func classifyS3(err error) error {
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "NoSuchKey", "NotFound":
			return ErrNotFound
		case "QuotaExceeded", // Ceph RGW (user or bucket quota), versitygw on EDQUOT
			"InsufficientStorage",            // versitygw on ENOSPC
			"XMinioStorageFull",              // MinIO, disks at their free-space threshold
			"XMinioAdminBucketQuotaExceeded": // MinIO bucket quota
			return ErrFull
		case "NoSuchBucket", // misconfigured or removed: nothing can be stored
			"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "RequestTimeTooSkewed",
			"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout":
			return ErrUnavailable
		}
	}
	var status interface{ HTTPStatusCode() int }
	if errors.As(err, &status) {
		switch code := status.HTTPStatusCode(); {
		case code == http.StatusNotFound:
			return ErrNotFound
		case code == http.StatusInsufficientStorage:
			return ErrFull
		case code == http.StatusForbidden, code >= 500:
			return ErrUnavailable
		}
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errStalled) {
		return ErrUnavailable
	}
	return nil
}

// stallGuard cancels a request when the S3 side makes no progress for a while: it
// starts over at each step forward (a chunk of the body sent or received) and pauses
// while the downloader has the turn, so a slow reader of a GET is not taken for a
// stalled server.
type stallGuard struct {
	d      time.Duration
	t      *time.Timer
	cancel context.CancelCauseFunc
}

func (s *S3) guard(ctx context.Context) (context.Context, *stallGuard) {
	rctx, cancel := context.WithCancelCause(ctx)
	g := &stallGuard{d: s.stall, cancel: cancel}
	g.t = time.AfterFunc(time.Hour, func() { cancel(fmt.Errorf("%w for %s", errStalled, g.d)) })
	g.t.Stop()
	return rctx, g
}

func (g *stallGuard) run()   { g.t.Reset(g.d) }
func (g *stallGuard) pause() { g.t.Stop() }
func (g *stallGuard) done()  { g.t.Stop(); g.cancel(nil) }
