#!/usr/bin/env bash
# Writes .env for Docker Compose (docs/operations.md#deploy-with-docker-compose): copies
# .env.example when there is no .env, then fills VAULT_MASTER_KEYS, VAULT_BOOTSTRAP_OPERATOR_KEY and
# VAULT_BOOTSTRAP_ADMIN_KEY where they are empty. A value already set is kept (a master key replaced
# by accident would leave every stored secret unreadable). It fails, writing nothing, when a value
# comes out empty or malformed: a production vault started without keys prints none and has no way in.
#
#   bash scripts/compose-env.sh                     # .env next to docker-compose.yml
#   bash scripts/compose-env.sh --env-file PATH     # another file
#   bash scripts/compose-env.sh --keygen node       # API keys by `npm run -s keys -- generate`
#   bash scripts/compose-env.sh -- -p NAME -f FILE  # arguments for every compose command it runs
#
# API keys come from the vault image (`<compose> run --rm --no-deps -T api keys generate`, which builds
# the image the first time) with Compose v2 (`docker compose`) or v1 (`docker-compose`), whichever
# exists, or from node in this checkout when neither does (or with --keygen node). Master keys come
# from openssl (or node).
set -Eeuo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ENV_FILE=$ROOT/.env
KEYGEN=auto
COMPOSE_ARGS=()

die() {
  printf 'compose-env: %s\n' "$*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case $1 in
    --env-file) ENV_FILE=${2:?--env-file needs a path}; shift 2 ;;
    --keygen) KEYGEN=${2:?--keygen needs compose, node or auto}; shift 2 ;;
    --) shift; COMPOSE_ARGS=("$@"); break ;;
    -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
case $KEYGEN in auto | compose | node) ;; *) die "--keygen must be compose, node or auto (got '$KEYGEN')" ;; esac

# Compose v2 where it answers, else v1: both read the same docker-compose.yml and .env.
COMPOSE=()
if docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  COMPOSE=(docker-compose)
fi
if [ "$KEYGEN" = auto ]; then
  if [ ${#COMPOSE[@]} -gt 0 ]; then KEYGEN=compose; else KEYGEN=node; fi
fi
if [ "$KEYGEN" = compose ] && [ ${#COMPOSE[@]} -eq 0 ]; then
  die "neither 'docker compose' (v2) nor 'docker-compose' (v1) is installed; install one, or use --keygen node"
fi

# The value of NAME in the env file ('' when absent or empty).
current() { sed -n "s/^$1=//p" "$WORK" | tail -n 1 | tr -d '\r'; }

api_key() {
  local out
  if [ "$KEYGEN" = compose ]; then
    # -T: no terminal, so no \r; --no-deps: not PostgreSQL and the migration first.
    out=$(cd "$(dirname "$ENV_FILE")" && "${COMPOSE[@]}" "${COMPOSE_ARGS[@]}" run --rm --no-deps -T api keys generate </dev/null) ||
      die "'${COMPOSE[*]} run --rm --no-deps -T api keys generate' failed (exit $?); is the Docker engine running?"
  else
    command -v node >/dev/null || die "node is not installed: use the vault image (--keygen compose)"
    out=$(cd "$ROOT" && npm run -s keys -- generate </dev/null) || die "'npm run -s keys -- generate' failed (run npm install first)"
  fi
  printf '%s' "$out" | tr -d '\r' | tail -n 1
}

master_key() {
  local b64
  if command -v openssl >/dev/null; then
    b64=$(openssl rand -base64 32)
  elif command -v node >/dev/null; then
    b64=$(node -e 'process.stdout.write(require("node:crypto").randomBytes(32).toString("base64"))')
  else
    die "neither openssl nor node is installed to make a master key"
  fi
  printf 'k1:%s' "$b64"
}

# Replaces NAME=… in place (or appends it), keeping the file's order and comments.
setvalue() {
  awk -v name="$1" -v value="$2" '
    index($0, name "=") == 1 { if (!done) print name "=" value; done = 1; next }
    { print }
    END { if (!done) print name "=" value }' "$WORK" >"$WORK.tmp"
  mv "$WORK.tmp" "$WORK"
}

# Everything is prepared in a scratch copy and moved into place only when every value is good.
WORK=$(mktemp "${TMPDIR:-/tmp}/compose-env.XXXXXX")
CREATED_EMPTY=
cleanup() {
  local rc=$?
  rm -f "$WORK" "$WORK.tmp"
  # A failed run leaves no .env without keys behind (the next `up` would start with none).
  if [ "$rc" != 0 ] && [ -n "$CREATED_EMPTY" ]; then rm -f "$ENV_FILE"; fi
  exit "$rc"
}
trap cleanup EXIT
if [ -f "$ENV_FILE" ]; then
  cat "$ENV_FILE" >"$WORK"
else
  [ -f "$ROOT/.env.example" ] || die "$ROOT/.env.example is missing"
  cp "$ROOT/.env.example" "$WORK"
  if [ "$KEYGEN" = compose ]; then
    # Compose reads env_file: .env while it runs `keys generate`: one without keys is enough.
    cp "$ROOT/.env.example" "$ENV_FILE"
    CREATED_EMPTY=1
  fi
fi

made=()
fill() {
  local name=$1 pattern=$2 make=$3 value
  [ -n "$(current "$name")" ] && return 0
  value=$($make)
  [ -n "$value" ] || die "$name came out empty; $ENV_FILE was not written"
  [[ "$value" =~ $pattern ]] ||
    die "$name came out malformed (${#value} characters starting '${value:0:8}'); $ENV_FILE was not written"

  setvalue "$name" "$value"
  made+=("$name")
}
fill VAULT_MASTER_KEYS '^k1:[A-Za-z0-9+/]{43}=$' master_key
fill VAULT_BOOTSTRAP_OPERATOR_KEY '^cvk_[A-Za-z0-9_-]+$' api_key
fill VAULT_BOOTSTRAP_ADMIN_KEY '^cvk_[A-Za-z0-9_-]+$' api_key

# A last look: none of the three may be empty in what is written.
for name in VAULT_MASTER_KEYS VAULT_BOOTSTRAP_OPERATOR_KEY VAULT_BOOTSTRAP_ADMIN_KEY; do
  [ -n "$(current "$name")" ] || die "$name is empty; $ENV_FILE was not written"
done
umask 077
cat "$WORK" >"$ENV_FILE.new"
chmod 600 "$ENV_FILE.new"
mv "$ENV_FILE.new" "$ENV_FILE"
if [ ${#made[@]} -gt 0 ]; then
  if [ "$KEYGEN" = compose ]; then how="${COMPOSE[*]} run … api keys generate"; else how="npm run -s keys -- generate"; fi
  echo "compose-env: wrote $ENV_FILE (new: ${made[*]}; API keys by $how)"
else
  echo "compose-env: $ENV_FILE already has every key; nothing changed"
fi
echo "compose-env: the admin key is VAULT_BOOTSTRAP_ADMIN_KEY in it: grep ^VAULT_BOOTSTRAP_ADMIN_KEY= $(basename "$ENV_FILE") | cut -d= -f2"
