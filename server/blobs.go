package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"govchat/internal/blob"
	"govchat/internal/config"
)

// openBlobs opens where files' ciphertext is kept — S3-compatible object storage when
// --s3-endpoint is set, else the folder --blob-dir (default <data>/blobs) — and checks
// that it answers, so a wrong bucket, wrong keys or an unwritable folder stop the
// server at start with the setting named, not at the first upload.
func openBlobs(ctx context.Context, cfg config.Config, log *slog.Logger) (blob.Store, error) {
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if cfg.UsesS3() {
		s, err := blob.NewS3(blob.S3Options{
			Endpoint: cfg.S3Endpoint, Bucket: cfg.S3Bucket, Region: cfg.S3Region,
			AccessKey: cfg.S3AccessKey.Reveal(), SecretKey: cfg.S3SecretKey.Reveal(),
		})
		if err != nil {
			return nil, fmt.Errorf("invalid --s3-endpoint: %w", err)
		}
		if err := s.Ping(pctx); err != nil {
			return nil, fmt.Errorf("cannot use --s3-endpoint %s --s3-bucket %s: %w", cfg.S3Endpoint, cfg.S3Bucket, err)
		}
		return s, nil
	}
	dir := cfg.BlobFolder()
	l, err := blob.NewLocal(dir)
	if err == nil {
		err = l.Ping(pctx)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot use --blob-dir %s: %w", dir, err)
	}
	if cfg.Redis != "" {
		// A cluster: a file uploaded through one node must be readable through every other.
		log.Warn("files are kept in a folder of this node (--blob-dir) although nodes share a bus (--redis): every node must mount the same folder, or use --s3-endpoint", "blob_dir", dir)
	}
	return l, nil
}

// blobDescription says where files go, for the start-up banner.
func blobDescription(cfg config.Config) string {
	if cfg.UsesS3() {
		return fmt.Sprintf("S3 %s, bucket %s", cfg.S3Endpoint, cfg.S3Bucket)
	}
	return cfg.BlobFolder()
}
