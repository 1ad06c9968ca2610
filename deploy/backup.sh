#!/usr/bin/env bash
# Back up govchat's database to a timestamped file in DEST (default ./backups).
# Embedded SQLite: uses SQLite's online backup (VACUUM INTO), safe while the server runs.
# PostgreSQL: pg_dump in custom format. Restore: see the comments at the end.
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
# Restore (server stopped):
#   SQLite:     cp backups/govchat-STAMP.db "$GOVCHAT_DATA/govchat.db" && rm -f "$GOVCHAT_DATA"/govchat.db-{wal,shm}
#   PostgreSQL: pg_restore --clean --if-exists --dbname "$GOVCHAT_DATABASE" backups/govchat-STAMP.pgdump
# Then run `govchat audit verify` to confirm the restored trail is intact.
