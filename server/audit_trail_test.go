package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"govchat/internal/audit"
	"govchat/internal/demo"
	"govchat/protocol"
)

func authGet(t *testing.T, url, token string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// TestAuditTrailEndToEnd: the security officer reads the trail's reach, takes the
// latest checkpoint and exports a signed bundle for a case; on "another machine" the
// bundle verifies with only the verifier key; the database verifies against the kept
// checkpoint until an insider edits a row, which verify then names.
func TestAuditTrailEndToEnd(t *testing.T) {
	data := t.TempDir()
	base, _ := startServer(t, "--data", data, "--audit-checkpoint-interval", "1s")
	officer := loginToken(t, base, "zhaomin", demo.Password)
	auditor := loginToken(t, base, "sunli", demo.Password)
	admin := loginToken(t, base, "zhoutao", demo.Password)
	staff := loginToken(t, base, "zhangjing", demo.Password)

	for _, tok := range []string{admin, staff} {
		if resp, _ := authGet(t, base+"/api/v1/audit/status", tok); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status for a non-auditing role: %d", resp.StatusCode)
		}
	}
	resp, body := authGet(t, base+"/api/v1/audit/status", auditor)
	var st protocol.AuditStatus
	if resp.StatusCode != 200 || json.Unmarshal(body, &st) != nil || st.Events == 0 || st.RetentionDays != 365 ||
		!strings.Contains(st.VerifierKey, "/govchat-audit+") {
		t.Fatalf("status: %d %s", resp.StatusCode, body)
	}
	vkey := st.VerifierKey

	resp, body = authGet(t, base+"/api/v1/audit/export.bundle", officer)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "case_number") {
		t.Fatalf("an export without a case number: %d %s", resp.StatusCode, body)
	}
	resp, cpText := authGet(t, base+"/api/v1/audit/checkpoints/latest", officer)
	if resp.StatusCode != 200 || !strings.HasPrefix(string(cpText), strings.SplitN(vkey, "+", 2)[0]+"\n") {
		t.Fatalf("latest checkpoint: %d %s", resp.StatusCode, cpText)
	}
	resp, bundle := authGet(t, base+"/api/v1/audit/export.bundle?case_number=2026-BM-07&since="+
		time.Now().Add(-time.Hour).Format(time.RFC3339), officer)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("export: %d %s", resp.StatusCode, bundle)
	}
	resp, proof := authGet(t, base+"/api/v1/audit/events/1/proof", auditor)
	if resp.StatusCode != 200 {
		t.Fatalf("proof: %d %s", resp.StatusCode, proof)
	}

	dir := t.TempDir()
	files := map[string][]byte{"bundle.zip": bundle, "cp.txt": cpText, "proof.json": proof, "vkey.txt": []byte(vkey + "\n")}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := func(args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		var out, errOut bytes.Buffer
		err := run(ctx, args, &out, &errOut, noEnv)
		return out.String() + errOut.String(), err
	}
	// Another machine: no --data, only the files.
	if out, err := cmd("audit", "verify", "--bundle", filepath.Join(dir, "bundle.zip"), "--vkey", filepath.Join(dir, "vkey.txt")); err != nil ||
		!strings.Contains(out, "bundle intact") || !strings.Contains(out, "2026-BM-07") {
		t.Fatalf("verify the bundle: %v %s", err, out)
	}
	if out, err := cmd("audit", "verify", "--proof", filepath.Join(dir, "proof.json"), "--vkey", vkey); err != nil || !strings.Contains(out, "proof intact: entry 1") {
		t.Fatalf("verify the proof: %v %s", err, out)
	}
	if err := os.WriteFile(filepath.Join(dir, "cut.zip"), bundle[:len(bundle)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := cmd("audit", "verify", "--bundle", filepath.Join(dir, "cut.zip"), "--vkey", vkey); err == nil || !strings.Contains(err.Error(), "bundle truncated") {
		t.Fatalf("verify a truncated bundle: %v %s", err, out)
	}
	if out, err := cmd("audit", "key", "--data", data); err != nil || strings.TrimSpace(out) != vkey {
		t.Fatalf("audit key: %v %q, want %q", err, out, vkey)
	}

	// The database against the kept checkpoint; then an insider edits entry 2.
	cpPath := filepath.Join(dir, "cp.txt")
	if out, err := cmd("audit", "verify", "--data", data, "--checkpoint", cpPath, "--vkey", vkey); err != nil || !strings.Contains(out, "audit trail intact") {
		t.Fatalf("verify against the checkpoint: %v %s", err, out)
	}
	out, err := cmd("audit", "checkpoint", "--data", data)
	if err != nil {
		t.Fatalf("audit checkpoint: %v %s", err, out)
	}
	later := filepath.Join(dir, "later.txt")
	os.WriteFile(later, []byte(out), 0o600)
	if out, err := cmd("audit", "verify", "consistency", cpPath, later, "--data", data, "--vkey", vkey); err != nil || !strings.Contains(out, "consistent") {
		t.Fatalf("consistency: %v %s", err, out)
	}
	db, err := sql.Open("sqlite", filepath.Join(data, "govchat.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE audit_events SET outcome = 'denied' WHERE id = 2`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("the trigger let an UPDATE through: %v", err)
	}
	for _, q := range []string{`DROP TRIGGER audit_events_no_update`, `UPDATE audit_events SET outcome = 'denied' WHERE id = 2`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	out, err = cmd("audit", "verify", "--data", data, "--checkpoint", cpPath, "--vkey", vkey)
	if err == nil || exitCode(err) == 0 || !strings.Contains(err.Error(), "entry 2 altered") {
		t.Fatalf("verify a tampered trail: %v %s", err, out)
	}
	otherKey, err := audit.NewKey("chat.other.gov.cn/govchat-audit", bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	other := otherKey.VerifierKey()
	if _, err := cmd("audit", "verify", "--data", data, "--checkpoint", cpPath, "--vkey", other); err == nil ||
		!strings.Contains(fmt.Sprint(err), "checkpoint of another deployment") {
		t.Fatalf("verify with another deployment's key: %v", err)
	}
}
