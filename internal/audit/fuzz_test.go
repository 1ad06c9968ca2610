package audit

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"govchat/internal/store"
	"govchat/protocol"
)

// FuzzOpenCheckpoint: any text is refused with a named error or opens to a body that
// formats back to its own signed text.
func FuzzOpenCheckpoint(f *testing.F) {
	key, err := NewKey(vectorOrigin, bytes.Repeat([]byte{1}, 32))
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(vectorNote))
	f.Add([]byte("chat.example.gov.cn/govchat-audit\n3\n\n\n"))
	f.Add([]byte("x\n-1\nAA==\n\n— x AAAA\n"))
	f.Fuzz(func(t *testing.T, text []byte) {
		cp, err := OpenCheckpoint(text, key.VerifierKey())
		if err != nil {
			for _, want := range []error{ErrOtherDeployment, ErrOtherKey, ErrForgedCheckpoint, ErrMalformed} {
				if errors.Is(err, want) {
					return
				}
			}
			t.Fatalf("unnamed refusal: %v", err)
		}
		if cp.Origin != vectorOrigin || cp.Size < 0 {
			t.Fatalf("opened %+v", cp)
		}
	})
}

// FuzzVerifyBundle: a bundle of any bytes, or with any events.ndjson, is refused with a
// finding or a checkpoint error, never a panic, and never accepted unless it is the
// real trail.
func FuzzVerifyBundle(f *testing.F) {
	key, err := NewKey(vectorOrigin, bytes.Repeat([]byte{1}, 32))
	if err != nil {
		f.Fatal(err)
	}
	build := func(events []byte) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		add := func(name, body string) {
			w, _ := zw.Create(name)
			w.Write([]byte(body))
		}
		add("manifest.json", `{"format":"govchat-audit-bundle/1","origin":"`+vectorOrigin+`","tree_size":3,"first_leaf":0,"count":3}`)
		add("checkpoint.txt", vectorNote)
		add("proof.json", `{"tree_size":3,"blocks":[]}`)
		add("vkey.txt", key.VerifierKey())
		w, _ := zw.Create("events.ndjson")
		w.Write(events)
		zw.Close()
		return buf.Bytes()
	}
	var good bytes.Buffer
	for _, e := range vectorTrail() {
		b, _ := jsonLine(e)
		good.Write(b)
	}
	if _, err := VerifyBundle(context.Background(), build(good.Bytes()), key.VerifierKey()); err != nil {
		f.Fatalf("the real trail: %v", err)
	}
	f.Add(good.Bytes(), false)
	f.Add(good.Bytes()[:40], false)
	f.Add([]byte("{}\n{}\n"), false)
	f.Add(good.Bytes(), true)
	f.Fuzz(func(t *testing.T, events []byte, raw bool) {
		data := events
		if !raw {
			data = build(events)
		}
		res, err := VerifyBundle(context.Background(), data, key.VerifierKey())
		if err != nil {
			return
		}
		// Accepted: it must be the real three entries, whatever the JSON's spacing.
		if raw || res.Report.Entries != 3 {
			t.Fatalf("accepted %+v", res.Report)
		}
		var n int
		for _, line := range bytes.Split(events, []byte("\n")) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			var r protocol.AuditRecord
			if json.Unmarshal(line, &r) != nil || !bytes.Equal(r.Hash, vectorTrail()[n].Hash) || LeafHash(FromRecord(r)) != LeafHash(vectorTrail()[n]) {
				t.Fatalf("accepted a different entry %d: %s", n, line)
			}
			n++
		}
	})
}

func jsonLine(e store.AuditEvent) ([]byte, error) {
	b, err := json.Marshal(Record(e))
	return append(b, '\n'), err
}
