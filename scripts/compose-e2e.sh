#!/usr/bin/env bash
# Docker Compose, tested for real: builds the image from the Dockerfile, starts docker-compose.yml
# as a user would (.env made by scripts/compose-env.sh, as docs/operations.md#deploy-with-docker-compose
# says), connects an account through the Atlassian emulator, lets the worker refresh it, gets a token
# out through the published port, and checks restarts, data across down/up and a worker stopped
# mid-refresh. CI runs it (.ci/run).
#
#   bash scripts/compose-e2e.sh          # as root (installs Docker when missing)
#
# About 2 minutes with the caches below warm; 4-5 minutes on a machine that has none of them.
#
# It installs Debian's docker.io and docker-compose when missing, starts dockerd when no engine answers
# (and stops it again at the end), and provides the base images as local stand-ins when they are not
# present (docker/standins/). It removes every container, network and volume it made. It keeps, as a
# cache for the next run: the image credential-vault:local (what `docker compose up` builds) with its
# build cache, the stand-in base images, and their root filesystems under /var/cache/credential-vault
# (and the log of a dockerd it started, /var/log/credential-vault-e2e-dockerd.log).
set -Eeuo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
T0=$(date +%s)
say() { printf '\n[compose-e2e %4ss] %s\n' "$(($(date +%s) - T0))" "$*"; }
die() {
  printf '\nFAIL: %s\n' "$*" >&2
  exit 1
}
now_ms() { date +%s%3N; }

PROJECT=${COMPOSE_E2E_PROJECT:-cve2e}
NET=$PROJECT-atlassian
EMU=$PROJECT-emulator
IMAGE=credential-vault:local
WORK=$(mktemp -d /tmp/cv-compose-e2e.XXXXXX)
DOCKERD_PID=
STACK_UP=

dump_logs() {
  [ -n "$STACK_UP" ] || return 0
  echo "---------- docker compose ps" >&2
  dc ps >&2 || true
  for s in postgres migrate api worker; do
    echo "---------- logs: $s" >&2
    dc logs --no-color --tail=200 "$s" >&2 || true
  done
  echo "---------- logs: emulator" >&2
  docker logs --tail=100 "$EMU" >&2 || true
}

cleanup() {
  local rc=$?
  set +e
  [ "$rc" = 0 ] || dump_logs
  if [ -n "$STACK_UP" ]; then
    say "cleanup: compose down -v, emulator, network"
    dc down -v --remove-orphans >/dev/null 2>&1
    docker rm -f "$EMU" >/dev/null 2>&1
    docker network rm "$NET" >/dev/null 2>&1
  fi
  rm -rf "$WORK"
  if [ -n "$DOCKERD_PID" ]; then
    say "stopping the dockerd this script started (pid $DOCKERD_PID)"
    kill "$DOCKERD_PID" 2>/dev/null
    for _ in $(seq 1 30); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 1; done
  fi
  [ "$rc" = 0 ] && say "PASS" || printf '\ncompose-e2e: FAILED (exit %s)\n' "$rc" >&2
  exit "$rc"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------------
say "1. Docker engine and Compose"
need=()
command -v dockerd >/dev/null || need+=(docker.io)
if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null; then
  need+=(docker-compose)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} (Debian)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
if ! docker info >/dev/null 2>&1; then
  echo "no engine answers: starting dockerd (log: /var/log/credential-vault-e2e-dockerd.log)"
  dockerd >/var/log/credential-vault-e2e-dockerd.log 2>&1 &
  DOCKERD_PID=$!
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || {
    tail -30 /var/log/credential-vault-e2e-dockerd.log >&2
    die "dockerd did not answer within 60 s"
  }
fi
# Compose v2 (`docker compose`) where it exists, else Debian's v1.29: both drive the same files.
if docker compose version >/dev/null 2>&1; then COMPOSE=(docker compose); else COMPOSE=(docker-compose); fi
echo "engine $(docker version -f '{{.Server.Version}}'), $("${COMPOSE[@]}" version --short 2>/dev/null || "${COMPOSE[@]}" version | head -1)"
# The project's compose file, as it is, plus the test's override; .env lives in a scratch directory
# (never a user's .env in the checkout).
dc() {
  "${COMPOSE[@]}" -p "$PROJECT" --project-directory "$WORK" \
    -f "$ROOT/docker-compose.yml" -f "$ROOT/docker/compose.e2e.yml" "$@"
}

say "2. base images (stand-ins where no registry is reachable)"
bash "$ROOT/docker/standins/build.sh"

say "3. build $IMAGE (classic builder; host network for npm ci)"
t=$(now_ms)
DOCKER_BUILDKIT=0 docker build --network host -t "$IMAGE" "$ROOT" >"$WORK/build.log" 2>&1 || {
  tail -40 "$WORK/build.log" >&2
  die "docker build failed"
}
echo "built in $((($(now_ms) - t) / 1000)) s"
base_size=$(docker image inspect -f '{{.Size}}' node:24-bookworm-slim)
size=$(docker image inspect -f '{{.Size}}' "$IMAGE")
echo "image: $((size / 1000000)) MB, of which $(((size - base_size) / 1000000)) MB on top of node:24-bookworm-slim"
docker history --format '{{.Size}}\t{{.CreatedBy}}' "$IMAGE" |
  awk -F'\t' '$1 != "0B" && n++ < 8 { print substr($0, 1, 110) }'

# Anything left by an interrupted earlier run goes first.
cp "$ROOT/.env.example" "$WORK/.env"
STACK_UP=1
dc down -v --remove-orphans >/dev/null 2>&1 || true
docker rm -f "$EMU" >/dev/null 2>&1 || true
docker network rm "$NET" >/dev/null 2>&1 || true

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
export VAULT_PORT E2E_ATLASSIAN_NETWORK=$NET
VAULT_PORT=$(free_port)
EMU_PORT=$(free_port)
VAULT=http://127.0.0.1:$VAULT_PORT
EMULATOR=http://127.0.0.1:$EMU_PORT

say "4. the emulator: a container from the same image on its own network (outlives compose down)"
docker network create "$NET" >/dev/null
docker run -d --name "$EMU" --network "$NET" --network-alias emulator --read-only --tmpfs /tmp \
  -p "127.0.0.1:$EMU_PORT:4010" -e EMULATOR_PORT=4010 -e EMULATOR_HOST=0.0.0.0 \
  --no-healthcheck --entrypoint node "$IMAGE" dist/emulator.js >/dev/null
for _ in $(seq 1 50); do curl -fs "$EMULATOR/_emulator/counters" >/dev/null && break; sleep 0.2; done
curl -fs "$EMULATOR/_emulator/counters" >/dev/null || die "the emulator does not answer"

say "5. .env as docs/operations.md makes it (scripts/compose-env.sh), then this test's settings"
bash "$ROOT/scripts/compose-env.sh" --env-file "$WORK/.env" -- \
  -p "$PROJECT" --project-directory "$WORK" -f "$ROOT/docker-compose.yml" -f "$ROOT/docker/compose.e2e.yml" ||
  die "scripts/compose-env.sh failed"
setenv() {
  grep -v "^$1=" "$WORK/.env" >"$WORK/.env.tmp" || true
  printf '%s=%s\n' "$1" "$2" >>"$WORK/.env.tmp"
  mv "$WORK/.env.tmp" "$WORK/.env"
}
envvalue() { sed -n "s/^$1=//p" "$WORK/.env"; }
OPERATOR_KEY=$(envvalue VAULT_BOOTSTRAP_OPERATOR_KEY)
ADMIN_KEY=$(envvalue VAULT_BOOTSTRAP_ADMIN_KEY)
[[ "$OPERATOR_KEY" =~ ^cvk_[A-Za-z0-9_-]+$ && "$ADMIN_KEY" =~ ^cvk_[A-Za-z0-9_-]+$ ]] ||
  die "compose-env.sh left the bootstrap keys empty"
[[ "$(envvalue VAULT_MASTER_KEYS)" =~ ^k1: ]] || die "compose-env.sh left VAULT_MASTER_KEYS empty"
setenv PUBLIC_URL "$VAULT"
# This test runs against the emulator: the settings .env.example names for that.
setenv ATLASSIAN_AUTH_URL http://emulator:4010
setenv ATLASSIAN_API_URL http://emulator:4010
setenv ALLOW_PRIVATE_EGRESS true
setenv REFRESH_CRON '*/2 * * * * *'
echo "keys generated; VAULT_PORT=$VAULT_PORT, emulator on 127.0.0.1:$EMU_PORT"

# ---------------------------------------------------------------------------------------------------
# wait_for SERVICE healthy|exited0 TIMEOUT_S
wait_for() {
  local svc=$1 want=$2 until=$(($(date +%s) + $3)) cid st code
  while :; do
    cid=$(dc ps -q "$svc" 2>/dev/null | awk 'NR == 1')
    if [ -n "$cid" ]; then
      st=$(docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' "$cid")
      code=$(docker inspect -f '{{.State.ExitCode}}' "$cid")
      case "$want:$st" in
        healthy:*' healthy') return 0 ;;
        exited0:exited*) [ "$code" = 0 ] && return 0 || die "$svc exited with $code" ;;
        healthy:exited* | healthy:dead*) die "$svc exited ($code) instead of getting healthy" ;;
      esac
    fi
    [ "$(date +%s)" -lt "$until" ] || die "$svc not $want after $3 s (state: ${st:-no container})"
    sleep 1
  done
}
stack_ready() {
  wait_for postgres healthy 120
  wait_for migrate exited0 120
  wait_for api healthy 120
  wait_for worker healthy 120
}

say "6. docker compose up -d"
T_UP=$(now_ms)
dc up -d --no-build 2>&1 | sed 's/^/  /' || die "compose up failed"
stack_ready
echo "postgres healthy, migrate exited 0, api and worker healthy: $((($(now_ms) - T_UP) / 1000)) s after up"
# read_only: true holds (compose file): nothing in the vault's containers can write outside /tmp.
for s in api worker; do
  [ "$(docker inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$(dc ps -q $s)")" = true ] ||
    die "$s does not run on a read-only root filesystem"
  dc exec -T "$s" sh -c 'touch /app/x 2>/dev/null' && die "$s could write to /app"
  [ "$(dc exec -T "$s" id -un | tr -d '\r')" = node ] || die "$s does not run as node"
done

# HTTP helpers: req METHOD URL [JSON] → $STATUS, $BODY; j PATH reads a field of $BODY.
req() {
  local out
  local auth=()
  # the admin key goes to the vault only, never to the emulator
  [[ "$2" == "$VAULT"/* ]] && auth=(-H "authorization: Bearer $ADMIN_KEY")
  out=$(curl -sS -X "$1" "$2" "${auth[@]}" -H 'content-type: application/json' \
    ${3:+--data "$3"} -w '\n%{http_code}')
  STATUS=${out##*$'\n'}
  BODY=${out%$'\n'*}
}
expect() { [ "$STATUS" = "$1" ] || die "$2: HTTP $STATUS $BODY"; }
j() {
  node -e 'const v=process.argv[1].split(".").reduce((o,k)=>o==null?o:o[k],JSON.parse(process.argv[2]));
    process.stdout.write(v==null?"":typeof v==="object"?JSON.stringify(v):String(v))' "$1" "$BODY"
}

say "7. auth config, emulator app and user, connect flow (the script plays the browser, with cookies)"
CLIENT_ID=e2e-$(openssl rand -hex 6)
CLIENT_SECRET=$(openssl rand -hex 20)
SCOPES='["read:jira-work","read:jira-user"]'
req POST "$VAULT/v1/auth-configs" "{\"name\":\"Compose e2e\",\"provider\":\"atlassian\",\"client_id\":\"$CLIENT_ID\",\"client_secret\":\"$CLIENT_SECRET\",\"scopes\":$SCOPES}"
expect 201 "create auth config"
AC_ID=$(j id)
CALLBACK=$(j callback_url)
echo "auth config $AC_ID, callback $CALLBACK"
req POST "$EMULATOR/_emulator/apps" "{\"clientId\":\"$CLIENT_ID\",\"clientSecret\":\"$CLIENT_SECRET\",\"name\":\"Compose e2e\",\"callbackUrl\":\"$CALLBACK\",\"scopes\":$SCOPES,\"accessTokenTtlSeconds\":60}"
expect 201 "register the app at the emulator"
req POST "$EMULATOR/_emulator/users" '{"email":"ada@example.com","name":"Ada Lovelace","sites":[{"name":"ada-e2e","url":"https://ada-e2e.atlassian.net"}]}'
expect 201 "add a user at the emulator"
EMU_ACCOUNT=$(j accountId)
req POST "$VAULT/v1/connected-accounts" "{\"auth_config_id\":\"$AC_ID\",\"user_id\":\"ada\"}"
expect 201 "create connected account"
CA_ID=$(j id)
LINK=$(j redirect_url)
JAR=$WORK/cookies
out=$(curl -sS -c "$JAR" -b "$JAR" -o /dev/null -w '%{http_code} %{redirect_url}' "$LINK")
[ "${out%% *}" = 302 ] || die "opening the connect link answered $out"
AUTHORIZE=${out#* }
req POST "$EMULATOR/_emulator/consent" "{\"authorizeUrl\":\"$AUTHORIZE\",\"accountId\":\"$EMU_ACCOUNT\",\"decision\":\"approve\"}"
expect 200 "consent at the emulator"
BACK=$(j location)
code=$(curl -sS -c "$JAR" -b "$JAR" -o "$WORK/callback.html" -w '%{http_code}' "$BACK")
[ "$code" = 200 ] || die "the callback answered $code: $(head -c 500 "$WORK/callback.html")"
req GET "$VAULT/v1/connected-accounts/$CA_ID"
expect 200 "read the account"
[ "$(j status)" = ACTIVE ] || die "account is $(j status) ($(j status_reason))"
FIRST_REFRESHED=$(j last_refreshed_at)
echo "account $CA_ID ACTIVE"
# The first token, from the host through the published port, as soon as the account is connected.
req POST "$VAULT/v1/connected-accounts/$CA_ID/token" '{}'
expect 200 "first token"
[ -n "$(j access_token)" ] || die "no access_token in $BODY"
T_TOKEN=$(now_ms)
UP_TO_TOKEN="$(((T_TOKEN - T_UP) / 1000)).$((((T_TOKEN - T_UP) % 1000) / 100)) s"
FIRST_TOKEN=$(j access_token)
echo "first token: $UP_TO_TOKEN after up"

say "8. the worker refreshes it (emulator tokens live 60 s; REFRESH_CRON every 2 s)"
until=$(($(date +%s) + 120))
while :; do
  req GET "$VAULT/v1/connected-accounts/$CA_ID"
  refreshed=$(j last_refreshed_at)
  refreshes=$(curl -fsS "$EMULATOR/_emulator/counters" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).refreshes))')
  [ -n "$refreshed" ] && [ "$refreshed" != "$FIRST_REFRESHED" ] && [ "$refreshes" -ge 1 ] && break
  [ "$(date +%s)" -lt "$until" ] || die "no refresh within 120 s (last_refreshed_at=$refreshed, emulator refreshes=$refreshes)"
  sleep 2
done
[ "$(j status)" = ACTIVE ] || die "account is $(j status) after the refresh"
echo "refreshed by the worker at $refreshed (emulator refreshes: $refreshes)"

say "9. a token from the host through the published port, after the refresh"
req POST "$VAULT/v1/connected-accounts/$CA_ID/token" '{}'
expect 200 "token"
[ -n "$(j access_token)" ] || die "no access_token in $BODY"
[ "$(j access_token)" != "$FIRST_TOKEN" ] || die "the token did not change with the refresh"
echo "token for $CA_ID: the refreshed one (expires_in $(j expires_in) s)"

check_data() {
  req GET "$VAULT/v1/connected-accounts/$CA_ID"
  expect 200 "$1: read the account"
  [ "$(j status)" = ACTIVE ] || die "$1: account is $(j status)"
  req POST "$VAULT/v1/connected-accounts/$CA_ID/token" '{}'
  expect 200 "$1: token"
  [ -n "$(j access_token)" ] || die "$1: no access_token"
  echo "$1: account ACTIVE, token served"
}

say "10. docker compose restart, then down (volumes kept) and up: the data stays"
dc restart 2>&1 | sed 's/^/  /'
stack_ready
check_data "after restart"
dc down 2>&1 | sed 's/^/  /'
docker volume inspect "${PROJECT}_pgdata" >/dev/null || die "the pgdata volume is gone after down"
dc up -d --no-build 2>&1 | sed 's/^/  /'
stack_ready
check_data "after down/up"

say "11. docker stop of the worker while a refresh is in flight"
counter() { curl -fsS "$EMULATOR/_emulator/counters" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).$1))"; }
psql_vault() { dc exec -T postgres psql -U vault -d vault -tAc "$1" | tr -d '\r'; }
req PUT "$EMULATOR/_emulator/faults" '{"target":"token","latencyMs":4000}'
expect 200 "set emulator latency"
injected=$(counter faultsInjected)
gen=$(psql_vault "select generation from connected_accounts where id = '$CA_ID'")
psql_vault "update connected_accounts set next_refresh_at = now() where id = '$CA_ID'" >/dev/null
until=$(($(date +%s) + 20))
while [ "$(counter faultsInjected)" -le "$injected" ]; do
  [ "$(date +%s)" -lt "$until" ] || die "the worker did not start the refresh within 20 s"
  sleep 0.2
done
WORKER=$(dc ps -q worker)
t=$(now_ms)
docker stop "$WORKER" >/dev/null
stop_ms=$(($(now_ms) - t))
exit_code=$(docker inspect -f '{{.State.ExitCode}}' "$WORKER")
req DELETE "$EMULATOR/_emulator/faults"
[ "$exit_code" = 0 ] || die "the worker exited with $exit_code"
[ "$stop_ms" -lt 10000 ] || die "the worker took $stop_ms ms (the grace period is 10 s)"
# (read whole before grep: under pipefail, grep -q leaving early fails the pipe with SIGPIPE)
worker_log=$(docker logs "$WORKER" 2>&1)
grep -q '"msg":"shutting down"' <<<"$worker_log" || die "no 'shutting down' in the worker's log"
leases=$(psql_vault "select count(*) from connected_accounts where lease_owner is not null")
[ "$leases" = 0 ] || die "$leases lease(s) left behind"
gen2=$(psql_vault "select generation from connected_accounts where id = '$CA_ID'")
[ "$gen2" -gt "$gen" ] || die "the in-flight refresh was not stored (generation $gen → $gen2)"
echo "worker stopped in $stop_ms ms, exit 0, logged its shutdown; the refresh in flight was stored (generation $gen → $gen2); leases left: 0"
check_data "after the worker stopped"

say "summary"
echo "image on top of node:24-bookworm-slim: $(((size - base_size) / 1000000)) MB"
echo "from up to the first token: $UP_TO_TOKEN"
echo "script time so far: $(($(date +%s) - T0)) s"
