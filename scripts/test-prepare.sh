#!/usr/bin/env bash
# Prepares this machine for `make test`, which runs it first: Debian's chromium and CJK
# fonts for the browser tests, PostgreSQL and Redis for the Go tests that use them, and
# versitygw, the S3 server the blob store's tests run against.
# It installs and starts only what is missing, and only where it may (root with apt-get
# installs; PostgreSQL and Redis are started locally). When something cannot be had it
# says what to do. Under CI=true a missing service fails the run here, as the tests would;
# otherwise it says which tests will skip. Chromium is always needed: the browser tests
# cannot skip.
set -euo pipefail

PG_URL="${GOVCHAT_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
REDIS_URL="${GOVCHAT_TEST_REDIS:-redis://127.0.0.1:6379/0}"
failed=0

say() { printf 'test-prepare: %s\n' "$*"; }
warn() { printf 'test-prepare: %s\n' "$*" >&2; }

# missing NAME WHAT-SKIPS HOW-TO-FIX: fail under CI=true, otherwise say what will skip.
missing() {
  if [ "${CI:-}" = true ]; then
    warn "$1 is not available, and CI=true: its tests would fail. $3"
    failed=1
  else
    warn "$1 is not available: $2 will skip. $3"
  fi
}

# wait_for NAME COMMAND...: up to 30 s for COMMAND to succeed.
wait_for() {
  local name=$1
  shift
  for _ in $(seq 1 60); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  warn "$name was started but did not answer within 30 s"
  return 1
}

can_install() { [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; }

apt_install() {
  say "installing $* (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "$@" >/dev/null
}

# Only the default, local services are started here; one named in GOVCHAT_TEST_* is
# someone else's to run.
own_postgres() { [ -z "${GOVCHAT_TEST_POSTGRES:-}" ]; }
own_redis() { [ -z "${GOVCHAT_TEST_REDIS:-}" ]; }

# --- Browser: Debian's chromium (never a downloaded one) and fonts for Chinese text.
browser() {
  local chromium="${CHROMIUM:-/usr/bin/chromium}"
  local want=()
  # Debian's package is installed only for the default path; CHROMIUM names one of yours.
  [ -x "$chromium" ] || [ -n "${CHROMIUM:-}" ] || want+=(chromium)
  if ! fc-list :lang=zh 2>/dev/null | grep -q .; then want+=(fonts-noto-cjk); fi
  # Reactions and the emoji panel: without a colour emoji font screenshots show boxes.
  if ! fc-list 2>/dev/null | grep -qi 'emoji'; then want+=(fonts-noto-color-emoji); fi
  if [ ${#want[@]} -gt 0 ]; then
    if can_install; then
      apt_install "${want[@]}" || warn "could not install ${want[*]}"
    else
      warn "missing: ${want[*]}. Install with: sudo apt-get install ${want[*]}"
    fi
  fi
  if [ ! -x "$chromium" ]; then
    warn "no chromium at $chromium: the browser tests cannot run. Install Debian's (apt-get install chromium) or set CHROMIUM to its path."
    failed=1
    return
  fi
  if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    warn "no CJK font: the browser tests run, but their screenshots show boxes for Chinese text (apt-get install fonts-noto-cjk)"
  fi
  say "browser: $("$chromium" --version 2>/dev/null || echo "$chromium")"
}

# --- PostgreSQL: the store tests' second backend, and everything that runs on both.
pg_up() { pg_isready -d "$PG_URL" -q; }

postgres() {
  local skips="the PostgreSQL legs of the store, chat, notice, push, httpapi and server tests"
  if ! command -v pg_isready >/dev/null 2>&1; then
    missing PostgreSQL "$skips" "Install it (apt-get install postgresql) or point GOVCHAT_TEST_POSTGRES at one."
    return
  fi
  if ! pg_up; then
    if ! own_postgres; then
      missing PostgreSQL "$skips" "Nothing answers at GOVCHAT_TEST_POSTGRES; start it there."
      return
    fi
    local version
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
    if [ -z "$version" ] || ! command -v pg_ctlcluster >/dev/null 2>&1; then
      missing PostgreSQL "$skips" "No local cluster to start: apt-get install postgresql (trust auth for 127.0.0.1, database test)."
      return
    fi
    say "starting PostgreSQL $version"
    if ! pg_ctlcluster --skip-systemctl-redirect "$version" main start || ! wait_for PostgreSQL pg_up; then
      missing PostgreSQL "$skips" "Start it by hand (pg_ctlcluster $version main start, as root or postgres)."
      return
    fi
  fi
  # The tests connect as the postgres role to the database "test"; make it when absent.
  if ! psql "$PG_URL" -qAtc 'select 1' >/dev/null 2>&1; then
    if own_postgres && createdb -h 127.0.0.1 -U postgres test 2>/dev/null && psql "$PG_URL" -qAtc 'select 1' >/dev/null 2>&1; then
      say "created the database test"
    else
      missing PostgreSQL "$skips" "It answers, but will not let the tests in: they need trust auth for the postgres role and the database in GOVCHAT_TEST_POSTGRES (default test)."
      return
    fi
  fi
  say "PostgreSQL: up"
}

# --- Redis: the bus, presence and rate-limit tests, and the two-node cluster tests.
redis_up() { redis-cli -u "$REDIS_URL" ping 2>/dev/null | grep -q PONG; }

redis() {
  local skips="the Redis tests of bus, presence, ratelimit and server (the two-node cluster)"
  if ! command -v redis-cli >/dev/null 2>&1; then
    missing Redis "$skips" "Install it (apt-get install redis-server) or point GOVCHAT_TEST_REDIS at one."
    return
  fi
  if redis_up; then
    say "Redis: up"
    return
  fi
  if ! own_redis || ! command -v redis-server >/dev/null 2>&1; then
    missing Redis "$skips" "Nothing answers at the test Redis (GOVCHAT_TEST_REDIS, default 127.0.0.1:6379); start redis-server there."
    return
  fi
  # A throwaway server: no persistence, on the loopback only.
  local dir=/var/lib/redis logfile=/var/log/redis/test.log
  if [ ! -w "$dir" ] || [ ! -w "$(dirname "$logfile")" ]; then
    dir=$(mktemp -d) logfile="$dir/redis.log"
  fi
  say "starting Redis"
  if ! redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir "$dir" --logfile "$logfile" || ! wait_for Redis redis_up; then
    missing Redis "$skips" "Start it by hand (redis-server --port 6379); see $logfile."
    return
  fi
  say "Redis: up"
}

# --- S3 test server: versitygw. The Go tests start it themselves (one per test package,
# on a free loopback port over a temporary folder, stopped at the end), so here only its
# binary is made sure of: found, or installed with `go install` into a cache folder CI
# keeps between runs (the tests look there too).
VERSITYGW_VERSION=v1.8.0
TOOLS_BIN="${XDG_CACHE_HOME:-$HOME/.cache}/govchat/bin"

find_versitygw() {
  if [ -n "${VERSITYGW:-}" ]; then
    [ -x "$VERSITYGW" ] && echo "$VERSITYGW"
    return
  fi
  command -v versitygw 2>/dev/null && return
  local gopath
  gopath=$(go env GOPATH 2>/dev/null | cut -d: -f1)
  for dir in "$TOOLS_BIN" "${GOBIN:-}" "${gopath:+$gopath/bin}"; do
    if [ -n "$dir" ] && [ -x "$dir/versitygw" ]; then
      echo "$dir/versitygw"
      return
    fi
  done
  return 1
}

s3server() {
  local skips="the S3 tests of the blob store and the server"
  local how="Install it: go install github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION (or set VERSITYGW to its path)."
  local bin
  if ! bin=$(find_versitygw); then
    if [ -n "${VERSITYGW:-}" ] || ! command -v go >/dev/null 2>&1; then
      missing versitygw "$skips" "$how"
      return
    fi
    say "installing versitygw $VERSITYGW_VERSION into $TOOLS_BIN"
    local log
    log=$(mktemp)
    if ! mkdir -p "$TOOLS_BIN" || ! GOBIN="$TOOLS_BIN" go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION" >"$log" 2>&1; then
      warn "go install failed: $(tail -n 3 "$log")"
      rm -f "$log"
      missing versitygw "$skips" "$how"
      return
    fi
    rm -f "$log"
    bin="$TOOLS_BIN/versitygw"
  fi
  if ! "$bin" --version >/dev/null 2>&1; then
    missing versitygw "$skips" "$bin does not run. $how"
    return
  fi
  say "S3 test server: versitygw at $bin (the tests start it)"
}

browser
postgres
redis
s3server

if [ "$failed" -ne 0 ]; then
  warn "the machine is not ready for make test (see above)"
  exit 1
fi
