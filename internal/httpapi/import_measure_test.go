package httpapi_test

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"govchat/internal/demo"
	"govchat/internal/httpapi"
	"govchat/internal/org"
	"govchat/internal/passwd"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

// TestMeasureImport300 times a CSV import of 300 new people with one-time passwords on
// the production hasher: each costs the browser's derivation (PBKDF2, 600,000 rounds)
// and argon2id, run in parallel over GOMAXPROCS. A measurement, not a check of speed:
//
//	GOVCHAT_MEASURE=1 go test ./internal/httpapi -run TestMeasureImport300 -v
func TestMeasureImport300(t *testing.T) {
	if os.Getenv("GOVCHAT_MEASURE") == "" {
		t.Skip("set GOVCHAT_MEASURE=1 to measure")
	}
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		if s.Backend() != "sqlite" {
			t.Skip("one backend is enough for a CPU measurement")
		}
		h := newHarnessWith(t, s, func(d *httpapi.Deps) {
			d.Org = org.New(store.Narrow(s, func(tx store.Store) org.Tx { return tx }), passwd.NewHasher(passwd.DefaultParams()), d.Audit, d.Now)
		})
		admin := h.login("zhoutao", demo.Password)
		var b strings.Builder
		b.WriteString("用户名,姓名,部门\n")
		for i := range 300 {
			fmt.Fprintf(&b, "imp%03d,导入%03d,办公室\n", i, i)
		}
		start := time.Now()
		r := h.do("POST", "/api/v1/admin/import", admin, b.String(), "Content-Type", "text/csv")
		took := time.Since(start)
		h.expect(r, http.StatusOK, "")
		t.Logf("300 rows with one-time passwords: %s (%.0f ms a row)", took.Round(time.Millisecond), float64(took.Milliseconds())/300)
	})
}
