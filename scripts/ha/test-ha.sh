#!/usr/bin/env bash
# npm run test:ha — the vault through a real PostgreSQL failover (test/ha/failover.ha.ts).
#
# pg_auto_failover (a monitor, a primary and a standby) runs on loopback ports under a temporary
# folder; the test starts and stops it. This script installs what is missing from Debian's
# packages, and ends whatever the test started should the test itself die or be interrupted.
# HA_MONITOR_DEFAULTS=1 runs with pg_auto_failover's default failure detection (some 30 s).
set -euo pipefail
cd "$(dirname "$0")/../.."

PG_BIN=${HA_PG_BIN:-/usr/lib/postgresql/15/bin}
if ! command -v pg_autoctl >/dev/null || [ ! -x "$PG_BIN/pg_ctl" ]; then
  packages="postgresql-15 postgresql-15-auto-failover pg-auto-failover-cli"
  if [ "$(id -u)" != 0 ]; then
    echo "test:ha needs pg_auto_failover: sudo apt-get install -y $packages" >&2
    exit 1
  fi
  echo "installing $packages (Debian packages)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
fi
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
  echo "test:ha runs PostgreSQL as the postgres user, which does not exist" >&2
  exit 1
fi

HA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/cv-ha-XXXXXX")
export HA_DIR HA_PG_BIN=$PG_BIN
cleanup() {
  # The test stops its formation itself; this is for a test that died. Only what it recorded:
  # its pg_autoctl process groups and the postmasters of its data folders.
  if [ -d "$HA_DIR" ]; then
    if [ -f "$HA_DIR/pgroups" ]; then
      while read -r g; do [ -n "$g" ] && kill -KILL -- "-$g" 2>/dev/null || true; done <"$HA_DIR/pgroups"
    fi
    for pidfile in "$HA_DIR"/*/postmaster.pid; do
      [ -f "$pidfile" ] && kill -KILL "$(head -1 "$pidfile")" 2>/dev/null || true
    done
    rm -rf "$HA_DIR"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

node --import tsx --test --test-reporter=spec test/ha/failover.ha.ts
