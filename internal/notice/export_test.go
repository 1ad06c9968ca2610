package notice

import "time"

// SetConfirmBatching makes s commit confirmations max at a time, the first waiting
// up to delay for the others. Call it before any confirmation.
func (s *Service) SetConfirmBatching(delay time.Duration, max int) {
	s.confirms = newConfirmer(s, delay, max)
}

// ConfirmsQueued is how many confirmations wait for the next batch.
func (s *Service) ConfirmsQueued() int { return s.confirms.queued() }
