package store

import (
	"testing"
	"time"
)

func TestRetainFrom(t *testing.T) {
	sent := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	older := sent.AddDate(0, 0, -20)
	oldest := sent.AddDate(0, -2, 0)
	tests := []struct {
		name string
		m    Message
		want time.Time
	}{
		{"plain message counts from when it was sent", Message{CreatedAt: sent}, sent},
		{"a forward counts from its original", Message{CreatedAt: sent,
			Forward: &Forward{Items: []ForwardItem{{CreatedAt: older}}}}, older},
		{"a merged record counts from its oldest item", Message{CreatedAt: sent,
			Forward: &Forward{Merged: true, Items: []ForwardItem{{CreatedAt: older}, {CreatedAt: oldest}, {CreatedAt: sent}}}}, oldest},
		{"an item without a time does not make it older", Message{CreatedAt: sent,
			Forward: &Forward{Items: []ForwardItem{{}}}}, sent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := retainFrom(tt.m); !got.Equal(tt.want) {
				t.Errorf("retainFrom = %v, want %v", got, tt.want)
			}
		})
	}
}
