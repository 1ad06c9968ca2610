package httpapi

import (
	"io"
	"mime"
	"net/http"
	"strconv"
	"sync"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/files"
	"govchat/internal/reqinfo"
	"govchat/protocol"
)

// Files (PROTOCOL.md §4.15): resumable uploads of ciphertext and downloads of it. The
// part upload is the one route that takes a body other than JSON: raw bytes, exactly one
// part (at most protocol.FilePartSize), application/octet-stream.

// partIdle and downloadIdle bound how long a part upload or a download may stall: the
// server's ReadTimeout and WriteTimeout (a minute for the whole request) would cut off a
// 4 MiB part on a slow line or any large download, so these routes move the deadline on
// as bytes flow instead, and drop only a connection that stopped moving.
const (
	partIdle     = time.Minute
	downloadIdle = time.Minute
)

func (a *API) createUpload(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.CreateUploadRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	up, err := a.files.Create(r.Context(), principalFrom(r.Context()), req.Size)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, up, nil
}

func (a *API) getUpload(w http.ResponseWriter, r *http.Request) (int, any, error) {
	up, err := a.files.Status(r.Context(), principalFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, up, nil
}

// putPart reads the headers before any of the body: the content type, the length (which
// the service holds to the part's exact size) and the digest the body is checked against
// while it streams into the blob store.
func (a *API) putPart(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id := r.PathValue("id")
	n, err := partNumber(r.PathValue("n"))
	if err != nil {
		return 0, nil, err
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/octet-stream" {
		return 0, nil, apperr.New(protocol.CodeUnsupportedMedia, "send the part as application/octet-stream")
	}
	if r.ContentLength < 0 {
		return 0, nil, apperr.BadField("Content-Length", "send the part with a Content-Length")
	}
	digests := r.Header.Values("Content-Digest")
	if len(digests) != 1 {
		return 0, nil, apperr.BadField("Content-Digest", "%s", files.ErrDigestHeader)
	}
	digest, err := files.ParseContentDigest(digests[0])
	if err != nil {
		return 0, nil, apperr.BadField("Content-Digest", "%s", err)
	}
	rc := http.NewResponseController(w)
	body := &idleReader{r: http.MaxBytesReader(w, r.Body, protocol.FilePartSize), rc: rc, idle: partIdle}
	err = a.files.PutPart(r.Context(), principalFrom(r.Context()), id, files.Part{N: n, Body: body, Length: r.ContentLength, Digest: digest})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

// partNumber reads {n}: a part number in decimal digits.
func partNumber(v string) (int, error) {
	if v == "" || len(v) > 9 || v[0] == '+' || v[0] == '-' {
		return 0, apperr.BadField("n", "the part number must be a whole number from 0")
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, apperr.BadField("n", "the part number must be a whole number from 0")
	}
	return n, nil
}

func (a *API) completeUpload(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.CompleteUploadRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	up, err := a.files.Complete(r.Context(), principalFrom(r.Context()), r.PathValue("id"), req.SHA256)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, up, nil
}

func (a *API) cancelUpload(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if err := a.files.Cancel(r.Context(), principalFrom(r.Context()), r.PathValue("id")); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

// download serves a blob's ciphertext, whole or one range (206), streaming from the
// blob store; nothing of it is held in memory beyond the copy buffer. The answer is an
// opaque download: never cached, never sniffed, never shown inline — the browser
// decrypts it in script and the name is inside the ciphertext.
func (a *API) download(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	b, err := a.files.Readable(ctx, p, r.PathValue("id"))
	if err == nil {
		err = a.files.Permit(ctx, p, &b, r.URL.Query().Get("purpose"))
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	etag := `"` + b.SHA256 + `"`
	spec := r.Header.Values("Range")
	if len(spec) > 1 {
		spec = []string{"bytes=,"} // several Range fields: as invalid as several ranges
	}
	if ir := r.Header.Get("If-Range"); ir != "" && ir != etag {
		spec = nil // the client holds another version (or dated it): send the whole
	}
	rangeField := ""
	if len(spec) == 1 {
		rangeField = spec[0]
	}
	rng, partial, err := files.ParseRange(rangeField, b.Size)
	if err != nil {
		w.Header().Set("Content-Range", "bytes */"+strconv.FormatInt(b.Size, 10))
		a.writeError(w, r, apperr.New(protocol.CodeRangeNotSatisfiable, "%s; the file is %d bytes", err, b.Size))
		return
	}
	var body io.ReadCloser
	if r.Method != http.MethodHead {
		body, err = a.files.Open(ctx, p, b, rng)
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		defer body.Close()
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Cache-Control", "private, no-store")
	h.Set("ETag", etag)
	h.Set("Content-Disposition", "attachment")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Length", strconv.FormatInt(rng.Length, 10))
	status := http.StatusOK
	if partial {
		status = http.StatusPartialContent
		h.Set("Content-Range", "bytes "+strconv.FormatInt(rng.Start, 10)+"-"+strconv.FormatInt(rng.Start+rng.Length-1, 10)+"/"+strconv.FormatInt(b.Size, 10))
	}
	w.WriteHeader(status)
	if body == nil {
		return
	}
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	out := &idleWriter{w: w, rc: http.NewResponseController(w), idle: downloadIdle}
	if _, err := io.CopyBuffer(out, body, *buf); err != nil && ctx.Err() == nil {
		// The status is out: the response ends short of its Content-Length, so the server
		// closes the connection and the client sees a download that did not finish.
		a.log.Warn("download cut short", "request_id", reqinfo.From(ctx).ID, "blob_id", b.ID, "err", err)
	}
}

// copyBuffers are the download copy buffers, pooled so that many downloads at once do
// not each allocate one.
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// idleReader moves the read deadline on before each read of a request body, and the
// write deadline with it: the server set that one when the request began, and the
// answer comes after the last byte is read.
type idleReader struct {
	r    io.Reader
	rc   *http.ResponseController
	idle time.Duration
}

func (i *idleReader) Read(p []byte) (int, error) {
	// Not supported (a test's recorder): the server's own timeouts stand.
	until := time.Now().Add(i.idle)
	_ = i.rc.SetReadDeadline(until)
	_ = i.rc.SetWriteDeadline(until)
	return i.r.Read(p)
}

// idleWriter moves the write deadline on before each write of a response body. It has
// no ReadFrom, so io.CopyBuffer uses the pooled buffer.
type idleWriter struct {
	w    io.Writer
	rc   *http.ResponseController
	idle time.Duration
}

func (i *idleWriter) Write(p []byte) (int, error) {
	_ = i.rc.SetWriteDeadline(time.Now().Add(i.idle))
	return i.w.Write(p)
}
