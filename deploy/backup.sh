#!/usr/bin/env bash
# Back up govchat's database to a timestamped file in DEST (default ./backups), then the
# files (ciphertext only) — database first, so every file the backup names is in the copy.
# Embedded SQLite: uses SQLite's online backup (VACUUM INTO), safe while the server runs.
# PostgreSQL: pg_dump in custom format. Files on local disk (--blob-dir, default
# <data>/blobs): a snapshot folder per run that hard-links the parts the previous one
# already holds (parts never change once written), so only new files take space.
# Files in S3: use the object store's own versioning or replication (see README).
# Restore: see the comments at the end.
set -euo pipefail
DEST="${DEST:-./backups}"
mkdir -p "$DEST"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
if [[ -n "${GOVCHAT_DATABASE:-}" ]]; then
  pg_dump --format=custom --file="$DEST/govchat-$stamp.pgdump" "$GOVCHAT_DATABASE"
  echo "$DEST/govchat-$stamp.pgdump"
else
  db="${GOVCHAT_DATA:-./data}/govchat.db"
  sqlite3 "$db" "VACUUM INTO '$DEST/govchat-$stamp.db'"
  echo "$DEST/govchat-$stamp.db"
fi
if [[ -n "${GOVCHAT_S3_BUCKET:-}" ]]; then
  echo "files are in S3 bucket $GOVCHAT_S3_BUCKET: back them up with the store's versioning or replication" >&2
else
  blobs="${GOVCHAT_BLOB_DIR:-${GOVCHAT_DATA:-./data}/blobs}"
  if [[ -d "$blobs" ]]; then
    prev=$(ls -1d "$DEST"/blobs-* 2>/dev/null | tail -n 1 || true)
    if [[ -n "$prev" ]]; then
      rsync -a --link-dest="$(cd "$prev" && pwd)" "$blobs/" "$DEST/blobs-$stamp/"
    else
      rsync -a "$blobs/" "$DEST/blobs-$stamp/"
    fi
    echo "$DEST/blobs-$stamp"
  fi
fi
# Restore (server stopped):
#   SQLite:     cp backups/govchat-STAMP.db "$GOVCHAT_DATA/govchat.db" && rm -f "$GOVCHAT_DATA"/govchat.db-{wal,shm}
#   PostgreSQL: pg_restore --clean --if-exists --dbname "$GOVCHAT_DATABASE" backups/govchat-STAMP.pgdump
#   Files:      rsync -a --delete backups/blobs-STAMP/ "$GOVCHAT_BLOB_DIR/"   (the same STAMP as the database)
# Then run `govchat audit verify` to confirm the restored trail is intact.
