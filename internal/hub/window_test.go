package hub

import "testing"

func TestAdmitWindow(t *testing.T) {
	type step struct {
		seq  int64
		want bool
	}
	cases := []struct {
		name  string
		floor int64
		steps []step
	}{
		{"in order", 0, []step{{1, true}, {2, true}, {3, true}}},
		{"a duplicate is dropped", 0, []step{{5, true}, {5, false}}},
		{"late but new is kept", 0, []step{{7, true}, {5, true}, {6, true}, {5, false}, {6, false}, {7, false}}},
		{"the resume watermark drops what resume sent", 10, []step{{9, false}, {10, false}, {11, true}}},
		{"across a 64 boundary", 0, []step{{100, true}, {30, true}, {170, true}, {100, false}, {60, true}, {60, false}}},
		{"far behind is delivered again rather than lost", 0, []step{{10, true}, {500, true}, {10, true}}},
		{"a big jump clears the window", 0, []step{{3, true}, {1000, true}, {999, true}, {3, true}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := &chanState{}
			st.setFloor(tc.floor)
			for i, s := range tc.steps {
				if got := st.admit(s.seq); got != s.want {
					t.Fatalf("step %d: admit(%d) = %v, want %v", i, s.seq, got, s.want)
				}
			}
		})
	}
}

// Reordering and repeats within the window deliver each sequence exactly once.
func TestAdmitDeliversEachOnceUnderReordering(t *testing.T) {
	st := &chanState{}
	var order []int64
	for base := int64(0); base < 1000; base += 10 {
		block := []int64{3, 1, 2, 9, 4, 6, 5, 8, 7, 10}
		for _, d := range append(block, block...) { // each block twice, as two nodes might
			order = append(order, base+d)
		}
	}
	seen := map[int64]int{}
	for _, s := range order {
		if st.admit(s) {
			seen[s]++
		}
	}
	for s := int64(1); s <= 1000; s++ {
		if seen[s] != 1 {
			t.Fatalf("seq %d delivered %d times", s, seen[s])
		}
	}
}
