package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"govchat/internal/atrest"
	"govchat/internal/config"
	"govchat/internal/store"
)

// openMasterKey reads the master key for encryption at rest and gives it to the
// store. The embedded default (SQLite, no --data-key-file) creates <data>/data.key
// (0600) at first start and says so — never the key. It refuses: PostgreSQL without a
// key file; a missing file the operator named; a missing default file when the
// database already has data keys (a new key would open none of them); a key that
// does not open the database's keys.
func openMasterKey(ctx context.Context, cfg config.Config, db *store.DB, log *slog.Logger) (*atrest.MasterKey, error) {
	path := cfg.KeyFile()
	if path == "" {
		return nil, errors.New(config.MissingKeyFile)
	}
	text, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && cfg.DataKeyFile == "" {
		has, herr := db.HasDataKeys(ctx)
		if herr != nil {
			return nil, herr
		}
		if has {
			return nil, fmt.Errorf("the master key file %s is missing, but the database holds data keys it wrapped: restore the key file from its backup (a new key would open nothing)", path)
		}
		if text, err = createKeyFile(path); err != nil {
			return nil, err
		}
		log.Warn("created the master key for encryption at rest; back it up apart from the database (README: What deletion means)", "file", path)
	}
	if err != nil {
		return nil, fmt.Errorf("invalid --data-key-file %s: %w", path, err)
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		log.Warn("the master key file can be read by other users of this machine; chmod 600 it", "file", path, "mode", st.Mode().Perm().String())
	}
	mk, err := atrest.ParseMasterKey(text)
	clear(text)
	if err != nil {
		return nil, fmt.Errorf("invalid --data-key-file %s: %w", path, err)
	}
	db.SetMasterKey(mk)
	if err := db.CheckMasterKey(ctx); err != nil {
		return nil, fmt.Errorf("invalid --data-key-file %s: %w", path, err)
	}
	return mk, nil
}

// createKeyFile writes a new random key to path, 0600, failing if it exists.
func createKeyFile(path string) ([]byte, error) {
	text, err := atrest.GenerateKeyText()
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create the master key file: %w", err)
	}
	if _, err := f.Write(text); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("write the master key file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("write the master key file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("write the master key file: %w", err)
	}
	return text, nil
}

// sealLegacy seals what was stored before encryption at rest, once per start, in
// the background (store.EncryptLegacy works in small transactions and picks up where
// a stopped run left off).
func (a *app) sealLegacy(ctx context.Context) {
	n, err := a.store.EncryptLegacy(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		a.log.Error("sealing rows stored before encryption at rest failed; it resumes at the next start", "sealed", n, "err", err)
	case n > 0:
		a.log.Info("sealed rows stored before encryption at rest", "rows", n)
	}
}
