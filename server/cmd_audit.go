package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"govchat/internal/audit"
	"govchat/internal/config"
	"govchat/protocol"
)

// The audit commands (docs/audit.md): verify the trail (against a checkpoint the
// auditor kept), verify an export offline, prove one entry, print the key.

// maxAuditFile bounds a checkpoint, key or proof file; maxBundleFile a bundle.
const (
	maxAuditFile  = 1 << 20
	maxBundleFile = 4 << 30
)

// stringsFlag is a repeatable string flag.
type stringsFlag []string

func (f *stringsFlag) String() string     { return strings.Join(*f, ",") }
func (f *stringsFlag) Set(v string) error { *f = append(*f, v); return nil }

func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxAuditFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxAuditFile {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, maxAuditFile)
	}
	return b, nil
}

// vkeyOf reads --vkey: the key itself (name+hash+key) or a file holding it.
func vkeyOf(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	if b, err := readSmall(v); err == nil {
		return strings.TrimSpace(string(b)), nil
	} else if !strings.Contains(v, "+") {
		return "", fmt.Errorf("invalid --vkey %s: %w", v, err)
	}
	return v, nil
}

func auditCmd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: audit verify|checkpoint|key|prove", errUsage)
	}
	switch args[0] {
	case "verify":
		return auditVerify(ctx, args[1:], stdout, stderr, getenv)
	case "key":
		a, _, err := openForCommand(ctx, "audit key", args[1:], stderr, getenv)
		if err != nil {
			return err
		}
		defer a.Close()
		fmt.Fprintln(stdout, a.trail.Key().VerifierKey())
		return nil
	case "checkpoint":
		a, _, err := openForCommand(ctx, "audit checkpoint", args[1:], stderr, getenv)
		if err != nil {
			return err
		}
		defer a.Close()
		c, err := a.trail.Latest(ctx)
		if err != nil {
			return fmt.Errorf("audit checkpoint: %w", err)
		}
		fmt.Fprint(stdout, c.Body)
		return nil
	case "prove":
		return auditProve(ctx, args[1:], stdout, stderr, getenv)
	}
	return fmt.Errorf("%w: audit verify|checkpoint|key|prove", errUsage)
}

func auditProve(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var id int64
	var out string
	a, _, err := openForCommand(ctx, "audit prove", args, stderr, getenv, func(fs *flag.FlagSet) {
		fs.Int64Var(&id, "event", 0, "the id of the entry to prove")
		fs.StringVar(&out, "out", "", "write the proof to this file (default: standard output)")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if id <= 0 {
		return fmt.Errorf("%w: audit prove --event ID", errUsage)
	}
	p, err := a.trail.Proof(ctx, id)
	if err != nil {
		return fmt.Errorf("audit prove: %w", err)
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if out == "" {
		_, err = stdout.Write(b)
		return err
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return fmt.Errorf("audit prove: %w", err)
	}
	fmt.Fprintf(stdout, "wrote the inclusion proof of entry %d (leaf %d of %d) to %s\n", id, p.LeafIndex, p.TreeSize, out)
	return nil
}

func auditVerify(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var checkpoints stringsFlag
	var vkeyArg, bundle, proof string
	extra := func(fs *flag.FlagSet) {
		fs.Var(&checkpoints, "checkpoint", "a signed checkpoint file to verify against (twice: the later must extend the earlier)")
		fs.StringVar(&vkeyArg, "vkey", "", "the verifier key the auditor kept, or a file holding it")
		fs.StringVar(&bundle, "bundle", "", "verify this exported bundle offline (no database)")
		fs.StringVar(&proof, "proof", "", "verify this inclusion proof file offline (no database)")
	}
	consistency := len(args) > 0 && args[0] == "consistency"
	if consistency {
		args = args[1:]
	}
	cfg, rest, err := config.Load("audit verify", args, getenv, stderr, extra)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if consistency {
		checkpoints = append(checkpoints, rest...)
		if len(checkpoints) != 2 {
			return fmt.Errorf("%w: audit verify consistency OLD NEW", errUsage)
		}
	}
	vkey, err := vkeyOf(vkeyArg)
	if err != nil {
		return err
	}
	switch {
	case bundle != "":
		return verifyBundleFile(ctx, bundle, vkey, stdout)
	case proof != "":
		return verifyProofFile(proof, vkey, stdout)
	}
	if len(checkpoints) > 2 {
		return fmt.Errorf("%w: at most two --checkpoint files", errUsage)
	}
	a, err := openApp(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer a.Close()
	if len(checkpoints) == 0 {
		bad, err := audit.Verify(ctx, a.store)
		if err != nil {
			return err
		}
		if bad != 0 {
			return fmt.Errorf("audit trail altered: entry %d does not match the chain", bad)
		}
		fmt.Fprintln(stdout, "audit trail intact (the hash chain; give --checkpoint FILE to check against a checkpoint you kept)")
		return nil
	}
	if vkey == "" {
		vkey = a.trail.Key().VerifierKey()
		fmt.Fprintln(stderr, "note: checking with this deployment's own key; pass --vkey with the key you kept to rule out a replaced one")
	}
	var cps []audit.Checkpoint
	for _, path := range checkpoints {
		text, err := readSmall(path)
		if err != nil {
			return fmt.Errorf("invalid --checkpoint: %w", err)
		}
		cp, err := audit.OpenCheckpoint(text, vkey)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		cps = append(cps, cp)
	}
	if len(cps) == 2 {
		if _, err := audit.ProveConsistency(ctx, a.store, cps[0], cps[1]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "consistent: the checkpoint of %d entries extends the checkpoint of %d\n",
			max(cps[0].Size, cps[1].Size), min(cps[0].Size, cps[1].Size))
		if consistency {
			return nil
		}
	}
	cp := cps[len(cps)-1]
	if len(cps) == 2 && cps[0].Size > cp.Size {
		cp = cps[0]
	}
	rep, err := audit.VerifyStore(ctx, a.store, cp)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "audit trail intact: %d entries (ids %d to %d) match the checkpoint of %d entries of %s\n",
		rep.Entries, rep.FirstID, rep.LastID, cp.Size, cp.Origin)
	return nil
}

func verifyBundleFile(ctx context.Context, path, vkey string, stdout io.Writer) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("invalid --bundle: %w", err)
	}
	if st.Size() > maxBundleFile {
		return fmt.Errorf("invalid --bundle: larger than %d bytes", int64(maxBundleFile))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("invalid --bundle: %w", err)
	}
	res, err := audit.VerifyBundle(ctx, data, vkey)
	if err != nil {
		return err
	}
	m := res.Manifest
	fmt.Fprintf(stdout, "bundle intact: %d entries (ids %d to %d) of case %s, exported by %s at %s, match the checkpoint of %d entries of %s\n",
		res.Report.Entries, m.FirstID, m.LastID, m.CaseNumber, m.ExportedName, m.ExportedAt, m.TreeSize, m.Origin)
	if res.KeyInside {
		fmt.Fprintf(stdout, "warning: checked with the key inside the bundle; compare it with the key you kept: %s\n", res.VerifierKey)
	}
	return nil
}

func verifyProofFile(path, vkey string, stdout io.Writer) error {
	b, err := readSmall(path)
	if err != nil {
		return fmt.Errorf("invalid --proof: %w", err)
	}
	var p protocol.AuditInclusionProof
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("invalid --proof: %w", err)
	}
	if err := audit.VerifyProof(p, vkey); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "proof intact: entry %d is leaf %d of the checkpoint of %d entries\n", p.Event.ID, p.LeafIndex, p.TreeSize)
	if vkey == "" {
		fmt.Fprintf(stdout, "warning: checked with the key inside the proof; compare it with the key you kept: %s\n", p.VerifierKey)
	}
	return nil
}
