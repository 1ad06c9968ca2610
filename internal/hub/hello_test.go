package hub

import (
	"encoding/json"
	"slices"
	"testing"

	"govchat/internal/apperr"
	"govchat/internal/busevent"
	"govchat/protocol"
)

func TestResume(t *testing.T) {
	t.Run("missed frames, then live events held back during resume, then welcome", func(t *testing.T) {
		h := newHarness(t, Options{})
		h.svc.resume = func(_ int64, pos protocol.ResumePos) ([][]byte, int64, *protocol.ResyncData, error) {
			if pos.ChannelID != 7 || pos.LastSeq != 2 {
				t.Errorf("resume %+v, want channel 7 after seq 2", pos)
			}
			// Messages 5 and 6 commit while the store is read: 5 is in what the
			// store returns and is also published live; 6 is only live.
			h.publish(busevent.ChannelTopic(7), 5, messageFrame(7, 5, "live and stored"))
			h.publish(busevent.ChannelTopic(7), 6, messageFrame(7, 6, "live only"))
			h.publish(busevent.ChannelTopic(8), 1, messageFrame(8, 1, "other channel"))
			return [][]byte{messageFrame(7, 3, "missed"), messageFrame(7, 4, "missed"), messageFrame(7, 5, "live and stored")}, 5, nil, nil
		}
		c := h.user(1, 7, 8)
		var seqs7 []int64
		for _, f := range c.hello(protocol.ResumePos{ChannelID: 7, LastSeq: 2}) {
			var m protocol.Message
			if f.Type == protocol.TypeMessage {
				_ = json.Unmarshal(f.Data, &m)
			}
			switch {
			case f.Type == protocol.TypeMessage && m.ChannelID == 7:
				seqs7 = append(seqs7, m.Seq)
			case f.Type == protocol.TypeMessage && m.ChannelID == 8:
				// Not resumed: live only, whenever it comes.
			default:
				t.Fatalf("unexpected %s %s before welcome", f.Type, f.Data)
			}
		}
		if want := []int64{3, 4, 5, 6}; !slices.Equal(seqs7, want) {
			t.Fatalf("channel 7 before welcome: %v, want %v", seqs7, want)
		}
		t.Run("live events after welcome continue without duplicates", func(t *testing.T) {
			h.publish(busevent.ChannelTopic(7), 6, messageFrame(7, 6, "duplicate"))
			h.publish(busevent.ChannelTopic(7), 7, messageFrame(7, 7, "next"))
			if seq := messageSeq(t, c.next()); seq != 7 {
				t.Fatalf("got seq %d, want 7", seq)
			}
		})
	})
	t.Run("a resync instead of frames", func(t *testing.T) {
		h := newHarness(t, Options{})
		h.svc.resume = func(_ int64, pos protocol.ResumePos) ([][]byte, int64, *protocol.ResyncData, error) {
			h.publish(busevent.ChannelTopic(7), 900, messageFrame(7, 900, "paged by REST"))
			h.publish(busevent.ChannelTopic(7), 901, messageFrame(7, 901, "new"))
			return nil, 900, &protocol.ResyncData{ChannelID: 7, Reason: "too_far_behind", LastSeq: 900, Epoch: 1}, nil
		}
		c := h.user(1, 7)
		before := c.hello(protocol.ResumePos{ChannelID: 7, LastSeq: 2})
		if len(before) != 2 || before[0].Type != protocol.TypeResync || messageSeq(t, before[1]) != 901 {
			t.Fatalf("before welcome: %v, want resync then seq 901", types(before))
		}
	})
	t.Run("not_member for a channel outside the user's list, others resumed", func(t *testing.T) {
		h := newHarness(t, Options{})
		h.svc.resume = func(_ int64, pos protocol.ResumePos) ([][]byte, int64, *protocol.ResyncData, error) {
			if pos.ChannelID != 7 {
				t.Errorf("resumed channel %d", pos.ChannelID)
			}
			return [][]byte{messageFrame(7, 3, "missed")}, 3, nil, nil
		}
		c := h.user(1, 7)
		ref := c.send(protocol.TypeHello, protocol.HelloData{Resume: []protocol.ResumePos{{ChannelID: 99, LastSeq: 1}, {ChannelID: 7, LastSeq: 2}}})
		c.expectError(protocol.CodeNotMember, ref)
		if seq := messageSeq(t, c.next()); seq != 3 {
			t.Fatalf("got seq %d, want 3", seq)
		}
		c.expect(protocol.TypeWelcome, ref)
	})
	t.Run("a service error for one channel is reported and live events still come", func(t *testing.T) {
		h := newHarness(t, Options{})
		h.svc.resume = func(_ int64, pos protocol.ResumePos) ([][]byte, int64, *protocol.ResyncData, error) {
			h.publish(busevent.ChannelTopic(7), 2, messageFrame(7, 2, "client has it"))
			h.publish(busevent.ChannelTopic(7), 3, messageFrame(7, 3, "client needs it"))
			return nil, 0, nil, apperr.New(protocol.CodeNotMember, "left meanwhile")
		}
		c := h.user(1, 7)
		ref := c.send(protocol.TypeHello, protocol.HelloData{Resume: []protocol.ResumePos{{ChannelID: 7, LastSeq: 2}}})
		c.expectError(protocol.CodeNotMember, ref)
		if seq := messageSeq(t, c.next()); seq != 3 {
			t.Fatalf("got seq %d, want 3", seq)
		}
		c.expect(protocol.TypeWelcome, ref)
	})
	t.Run("a hello larger than max_frame_bytes is taken", func(t *testing.T) {
		h := newHarness(t, Options{})
		c := h.user(1, 7)
		resume := make([]protocol.ResumePos, protocol.MaxResumeChans)
		for i := range resume {
			resume[i] = protocol.ResumePos{ChannelID: 1_000_000 + int64(i), LastSeq: 123_456}
		}
		ref := c.send(protocol.TypeHello, protocol.HelloData{Resume: resume})
		for range resume {
			c.expectError(protocol.CodeNotMember, ref)
		}
		c.expect(protocol.TypeWelcome, ref)
	})
	t.Run("too many channels is refused", func(t *testing.T) {
		h := newHarness(t, Options{})
		c := h.user(1, 7)
		resume := make([]protocol.ResumePos, protocol.MaxResumeChans+1)
		ref := c.send(protocol.TypeHello, protocol.HelloData{Resume: resume})
		c.expectError(protocol.CodeBadRequest, ref)
		c.hello()
	})
}

func types(fs []protocol.Frame) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Type)
	}
	return out
}
