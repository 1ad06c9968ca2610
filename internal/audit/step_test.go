package audit

import (
	"testing"

	"govchat/internal/store"
)

// A service built without a recorder records nothing, and says nothing failed.
func TestNilRecorderRecordsNothing(t *testing.T) {
	var r *Recorder
	if r.In(nil) != nil {
		t.Fatal("In on a nil recorder made one")
	}
	if err := r.Step(t.Context(), store.User{ID: 1, Username: "u"}, "notice.published", "notice", 7, nil); err != nil {
		t.Fatalf("Step on a nil recorder: %v", err)
	}
}
