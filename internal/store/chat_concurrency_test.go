package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"govchat/internal/search"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

// twoNodes opens two stores on one fresh database, as two server processes would:
// separate pools, no shared memory. The first is migrated.
func twoNodes(t *testing.T, backend string) [2]*store.DB {
	t.Helper()
	var open func(ctx context.Context) (*store.DB, error)
	switch backend {
	case "sqlite":
		path := filepath.Join(t.TempDir(), "shared.db")
		open = func(ctx context.Context) (*store.DB, error) { return store.OpenSQLite(ctx, path) }
	case "postgres":
		url := storetest.PostgresSchemaURL(t)
		open = func(ctx context.Context) (*store.DB, error) { return store.OpenPostgres(ctx, url) }
	}
	var nodes [2]*store.DB
	mk := storetest.MasterKey(t) // one key file, as every node of a cluster is given
	for i := range nodes {
		db, err := open(t.Context())
		must(t, err)
		t.Cleanup(func() { db.Close() })
		db.SetMasterKey(mk)
		nodes[i] = db
	}
	_, err := nodes[0].Migrate(t.Context())
	must(t, err)
	return nodes
}

// TestAppendMessagesConcurrently has goroutines on two nodes append batches of
// random size to three channels at once, then retry everything: every channel's
// sequence must be exactly 1..N, every message appended once.
func TestAppendMessagesConcurrently(t *testing.T) {
	const (
		goroutines = 8
		perG       = 50
		nChannels  = 3
	)
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			nodes := twoNodes(t, backend)
			s := nodes[0]
			senders := users(t, s, "conc", goroutines)
			var channels []int64
			for i := range nChannels {
				channels = append(channels, newChannel(t, s, fmt.Sprint("concurrent ", i), senders...).ID)
			}

			type key struct{ ch, seq int64 }
			// sendAll has every goroutine send its perG messages (client ids g<g>-m<i>)
			// in batches of 1..5 whose shapes depend on round, and returns every result.
			sendAll := func(round uint64) [][]store.AppendResult {
				out := make([][]store.AppendResult, goroutines)
				var wg sync.WaitGroup
				for g := range goroutines {
					wg.Go(func() {
						node := nodes[g%2]
						rng := rand.New(rand.NewPCG(uint64(g), round))
						for i := 0; i < perG; {
							n := min(1+rng.IntN(5), perG-i)
							batch := make([]store.NewMessage, n)
							for j := range batch {
								k := i + j
								batch[j] = store.NewMessage{
									// The channel is a function of the message, so a retry names the same one.
									ChannelID: channels[(g+k)%nChannels], SenderID: senders[g],
									ClientID: fmt.Sprintf("g%d-m%d", g, k), Text: fmt.Sprintf("第%d组第%d条", g, k),
								}
							}
							rs, err := node.AppendMessages(ctx, batch)
							if err != nil {
								t.Errorf("goroutine %d: AppendMessages: %v", g, err)
								return
							}
							out[g] = append(out[g], rs...)
							i += n
						}
					})
				}
				wg.Wait()
				return out
			}

			first := sendAll(1)
			if t.Failed() {
				t.FailNow()
			}
			byClient := map[string]store.Message{}
			seen := map[key]bool{}
			for g, rs := range first {
				if len(rs) != perG {
					t.Fatalf("goroutine %d: %d results, want %d", g, len(rs), perG)
				}
				for _, r := range rs {
					if r.Err != nil || r.Duplicate {
						t.Fatalf("first send: %+v", r)
					}
					k := key{r.Message.ChannelID, r.Message.Seq}
					if seen[k] {
						t.Fatalf("two messages got %d/%d", k.ch, k.seq)
					}
					seen[k] = true
					byClient[r.Message.ClientID] = r.Message
				}
			}

			checkGapFree := func() {
				t.Helper()
				total := 0
				for _, ch := range channels {
					c, err := s.GetChannel(ctx, ch)
					must(t, err)
					hist, err := s.History(ctx, store.HistoryQuery{ChannelID: ch, Limit: 500})
					must(t, err)
					for i, m := range hist {
						if m.Seq != int64(i+1) {
							t.Fatalf("channel %d: seqs %v are not 1..%d", ch, seqsOf(hist), len(hist))
						}
						if want := byClient[m.ClientID]; want.ChannelID != ch || want.Seq != m.Seq || want.Text != m.Text {
							t.Fatalf("channel %d seq %d holds %+v, acked as %+v", ch, m.Seq, m, want)
						}
					}
					if c.LastSeq != int64(len(hist)) {
						t.Fatalf("channel %d: LastSeq %d, %d messages", ch, c.LastSeq, len(hist))
					}
					total += len(hist)
				}
				if total != goroutines*perG {
					t.Fatalf("%d messages stored, want %d", total, goroutines*perG)
				}
			}
			checkGapFree()

			t.Run("retrying every client id creates nothing", func(t *testing.T) {
				again := sendAll(2) // other batch shapes
				for _, rs := range again {
					for _, r := range rs {
						if r.Err != nil || !r.Duplicate {
							t.Fatalf("retry: %+v", r)
						}
						if want := byClient[r.Message.ClientID]; want.ChannelID != r.Message.ChannelID || want.Seq != r.Message.Seq {
							t.Fatalf("retry of %s returned %d/%d, first appended as %d/%d",
								r.Message.ClientID, r.Message.ChannelID, r.Message.Seq, want.ChannelID, want.Seq)
						}
					}
				}
				checkGapFree()
			})

			t.Run("racing retries of new messages append each once", func(t *testing.T) {
				// Two devices of one sender resend the same new messages at the same
				// moment, through different nodes.
				const n = 40
				results := make([][]store.AppendResult, 2)
				var wg sync.WaitGroup
				for d := range 2 {
					wg.Go(func() {
						for i := range n {
							rs, err := nodes[d].AppendMessages(ctx, []store.NewMessage{{
								ChannelID: channels[i%nChannels], SenderID: senders[0],
								ClientID: fmt.Sprint("race-", i), Text: fmt.Sprint("race ", i),
							}})
							if err != nil {
								t.Errorf("device %d: %v", d, err)
								return
							}
							results[d] = append(results[d], rs...)
						}
					})
				}
				wg.Wait()
				if t.Failed() {
					t.FailNow()
				}
				for i := range n {
					a, b := results[0][i], results[1][i]
					if a.Err != nil || b.Err != nil || a.Duplicate == b.Duplicate || a.Message.Seq != b.Message.Seq || a.Message.ChannelID != b.Message.ChannelID {
						t.Fatalf("race-%d: results %+v and %+v; want one append and one duplicate of it", i, a, b)
					}
					byClient[a.Message.ClientID] = a.Message
				}
				for _, ch := range channels {
					hist, err := s.History(ctx, store.HistoryQuery{ChannelID: ch, Limit: 500})
					must(t, err)
					seqs := seqsOf(hist)
					for i := range seqs {
						if seqs[i] != int64(i+1) {
							t.Fatalf("channel %d: seqs %v not gap-free", ch, seqs)
						}
					}
				}
				total := 0
				for _, ch := range channels {
					c, err := s.GetChannel(ctx, ch)
					must(t, err)
					total += int(c.LastSeq)
				}
				if total != goroutines*perG+n {
					t.Fatalf("%d messages stored, want %d", total, goroutines*perG+n)
				}
			})
		})
	}
}

// TestAppendDuplicateCommittedMeanwhile holds a transaction that has appended a
// message open while another node appends the same client id: that node's lookup
// cannot see the uncommitted message, so on PostgreSQL it takes a sequence number
// and only then meets the conflict. It must return the first message as a duplicate
// and give the number back, leaving no gap.
func TestAppendDuplicateCommittedMeanwhile(t *testing.T) {
	appenders := map[string]func(ctx context.Context, s store.Store, msgs []store.NewMessage) ([]store.AppendResult, error){
		"own transaction": func(ctx context.Context, s store.Store, msgs []store.NewMessage) ([]store.AppendResult, error) {
			return s.AppendMessages(ctx, msgs)
		},
		"inside InTx": func(ctx context.Context, s store.Store, msgs []store.NewMessage) (rs []store.AppendResult, err error) {
			err = s.InTx(ctx, func(tx store.Store) error {
				rs, err = tx.AppendMessages(ctx, msgs)
				return err
			})
			return rs, err
		},
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		for how, appendFn := range appenders {
			t.Run(backend+"/"+how, func(t *testing.T) {
				t.Parallel()
				ctx := t.Context()
				nodes := twoNodes(t, backend)
				u := users(t, nodes[0], "meanwhile", 1)[0]
				c := newChannel(t, nodes[0], "meanwhile", u)
				dup := store.NewMessage{ChannelID: c.ID, SenderID: u, ClientID: "same", Text: "first"}
				next := store.NewMessage{ChannelID: c.ID, SenderID: u, ClientID: "next", Text: "after"}

				var first store.Message
				var second []store.AppendResult
				var secondErr error
				done := make(chan struct{})
				err := nodes[0].InTx(ctx, func(tx store.Store) error {
					rs, err := tx.AppendMessages(ctx, []store.NewMessage{dup})
					if err != nil {
						return err
					}
					first = rs[0].Message
					go func() {
						defer close(done)
						retry := dup
						retry.Text = "retry"
						second, secondErr = appendFn(ctx, nodes[1], []store.NewMessage{retry, next})
					}()
					time.Sleep(300 * time.Millisecond) // let the other node get as far as it can
					return nil
				})
				must(t, err)
				<-done
				must(t, secondErr)
				if !second[0].Duplicate || !reflect.DeepEqual(second[0].Message, first) {
					t.Fatalf("retry result %+v, want duplicate of %+v", second[0], first)
				}
				if second[1].Duplicate || second[1].Err != nil || second[1].Message.Seq != first.Seq+1 {
					t.Fatalf("next message %+v, want seq %d", second[1], first.Seq+1)
				}
				ch, err := nodes[0].GetChannel(ctx, c.ID)
				must(t, err)
				if ch.LastSeq != first.Seq+1 {
					t.Fatalf("LastSeq %d, want %d", ch.LastSeq, first.Seq+1)
				}
			})
		}
	}
}

// TestEditAndRecallConcurrently races edits and a recall of one message: whatever
// wins, the search postings must be exactly those of the final text.
func TestEditAndRecallConcurrently(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "race", 1)[0]
		c := newChannel(t, s, "edit race", u)
		for round := range 5 {
			m := post(t, s, c.ID, u, "原文")
			var wg sync.WaitGroup
			for g := range 6 {
				wg.Go(func() {
					var err error
					if g == 3 && round%2 == 0 {
						_, err = s.RecallMessage(ctx, c.ID, m.Seq, u, time.Time{})
					} else {
						_, err = s.EditMessage(ctx, c.ID, m.Seq, fmt.Sprintf("第%d版修改稿%d", g, round), nil, time.Time{})
					}
					if err != nil && !errors.Is(err, store.ErrConflict) {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			final, err := s.GetMessage(ctx, c.ID, m.Seq)
			must(t, err)
			if !final.RecalledAt.IsZero() && final.Text != "" {
				t.Fatalf("recalled message has text %q", final.Text)
			}
			n, err := store.IndexedTokens(ctx, s, c.ID, m.Seq)
			must(t, err)
			if want := len(search.IndexKeys(final.Text)); n != want {
				t.Fatalf("round %d: %d postings for %q, want %d", round, n, final.Text, want)
			}
		}
	})
}
