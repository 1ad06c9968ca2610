package files

import (
	"context"
	"crypto/sha256"
	"hash"
	"io"
	"sync"
	"time"

	"govchat/internal/blob"
	"govchat/protocol"
)

// Completion compares the SHA-256 of the whole ciphertext, as the blob store holds it,
// with the hash its uploader sent. Reading a 1 GiB upload back at that moment costs
// about a second on the machine BENCHMARKS.md names — a pause at the end of every large
// upload, a fifth of a fast one's time. So while the parts arrive, a worker per upload
// already reads them back in order, as each part this node recorded is in place, into
// a running hash; completion then reads back only what the worker had not reached.
//
// The worker reads from the store, never from the request streams, so the hash is of
// what downloads will serve, whatever order and however many times parts came. Each
// part it hashed is labelled with the digest this node recorded for it; completion uses
// the running hash only if every label still matches the part's record in the
// database, so a part sent again with other bytes (here or on another node) sends
// completion back to reading everything. Parts recorded on another node of a cluster
// stop the worker at the first of them; completion reads on from there.

// maxPrehashes bounds the uploads followed at once on one node (each costs a hash state
// and a label per part); beyond it completion just reads everything back.
const maxPrehashes = 1024

type prehashes struct {
	blobs blob.Store
	now   func() time.Time

	mu sync.Mutex
	m  map[string]*prehash
}

// prehash is one upload's running hash. h belongs to the worker while one runs, and to
// whoever took the prehash after it stopped.
type prehash struct {
	size  int64
	parts int

	mu      sync.Mutex
	known   map[int]string // recorded on this node, not yet hashed: part → digest
	next    int            // h covers parts [0, next)
	labels  []string       // the digest each hashed part was recorded with
	broken  bool           // a read failed, or a hashed part was replaced with other bytes
	stop    bool
	working bool
	idle    chan struct{} // closed when the worker stops
	touched time.Time
	h       hash.Hash
}

func newPrehashes(blobs blob.Store, now func() time.Time) *prehashes {
	return &prehashes{blobs: blobs, now: now, m: map[string]*prehash{}}
}

// recorded tells the worker of blob id that part n, with digest, is in the store.
func (ps *prehashes) recorded(id string, size int64, parts, n int, digest string) {
	p := ps.get(id, size, parts)
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.touched = ps.now()
	if n < p.next {
		if p.labels[n] != digest {
			p.broken = true // hashed already, and now other bytes are there
		}
		return
	}
	p.known[n] = digest
	if !p.working && !p.broken && !p.stop {
		if _, ok := p.known[p.next]; ok {
			p.working, p.idle = true, make(chan struct{})
			go ps.work(id, p)
		}
	}
}

func (ps *prehashes) get(id string, size int64, parts int) *prehash {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if p := ps.m[id]; p != nil {
		return p
	}
	if len(ps.m) >= maxPrehashes {
		// Uploads untouched for a day are past their expiry anyway.
		cutoff := ps.now().Add(-UploadTTL)
		for k, p := range ps.m {
			p.mu.Lock()
			old := p.touched.Before(cutoff)
			if old {
				p.stop = true
			}
			p.mu.Unlock()
			if old {
				delete(ps.m, k)
			}
		}
		if len(ps.m) >= maxPrehashes {
			return nil
		}
	}
	p := &prehash{size: size, parts: parts, known: map[int]string{}, h: sha256.New(), touched: ps.now()}
	ps.m[id] = p
	return p
}

// work hashes the parts in order while the next one is known.
func (ps *prehashes) work(id string, p *prehash) {
	defer close(p.idle)
	buf := hashBuffers.Get().(*[]byte)
	defer hashBuffers.Put(buf)
	for {
		p.mu.Lock()
		digest, ok := p.known[p.next]
		if !ok || p.broken || p.stop {
			p.working = false
			p.mu.Unlock()
			return
		}
		delete(p.known, p.next)
		n := p.next
		p.mu.Unlock()

		length := min(int64(protocol.FilePartSize), p.size-int64(n)*protocol.FilePartSize)
		err := ps.hashPart(id, p.h, n, length, *buf)

		p.mu.Lock()
		if err != nil {
			p.broken = true
		} else {
			p.labels = append(p.labels, digest)
			p.next++
		}
		p.mu.Unlock()
	}
}

func (ps *prehashes) hashPart(id string, h hash.Hash, n int, length int64, buf []byte) error {
	r, err := ps.blobs.OpenRange(context.Background(), id, int64(n)*protocol.FilePartSize, length)
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.CopyBuffer(h, r, buf)
	return err
}

// take stops blob id's worker, waits for it, and hands over its running hash: the hash
// of parts [0, len(labels)) and their labels. ok is false when there is none to use.
func (ps *prehashes) take(id string) (h hash.Hash, labels []string, ok bool) {
	ps.mu.Lock()
	p := ps.m[id]
	delete(ps.m, id)
	ps.mu.Unlock()
	if p == nil {
		return nil, nil, false
	}
	p.mu.Lock()
	p.stop = true
	idle := p.idle
	working := p.working
	p.mu.Unlock()
	if working {
		<-idle
	}
	if p.broken || p.next == 0 {
		return nil, nil, false
	}
	return p.h, p.labels, true
}

// drop forgets blob id (cancelled or removed); a worker stops after its current part.
func (ps *prehashes) drop(id string) {
	ps.mu.Lock()
	p := ps.m[id]
	delete(ps.m, id)
	ps.mu.Unlock()
	if p != nil {
		p.mu.Lock()
		p.stop = true
		p.mu.Unlock()
	}
}

// close stops every worker and waits for them.
func (ps *prehashes) close() {
	ps.mu.Lock()
	all := ps.m
	ps.m = map[string]*prehash{}
	ps.mu.Unlock()
	for _, p := range all {
		p.mu.Lock()
		p.stop = true
		idle, working := p.idle, p.working
		p.mu.Unlock()
		if working {
			<-idle
		}
	}
}
