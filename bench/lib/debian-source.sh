#!/usr/bin/env bash
# Usage: debian-source.sh PACKAGE
# Fetches a Debian source package once (apt-get source) into target/sources/ of this repository
# and prints the unpacked directory. Adds a deb-src entry for the system's suites if none exists.
set -euo pipefail
pkg=${1:?usage: debian-source.sh PACKAGE}
root=$(cd "$(dirname "$0")/../.." && pwd)
cache="$root/target/sources"
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
existing=$(find "$cache" -mindepth 1 -maxdepth 1 -type d -name "${pkg}-[0-9]*" | head -1)
if [ -n "$existing" ]; then echo "$existing"; exit 0; fi
if ! command -v dpkg-source >/dev/null; then
  echo "debian-source: installing dpkg-dev (needed by apt-get source)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dpkg-dev >&2
fi
if ! apt-get source --print-uris "$pkg" >/dev/null 2>&1; then
  echo "debian-source: adding deb-src entries" >&2
  for f in /etc/apt/sources.list.d/debian.sources; do
    if [ -f "$f" ] && ! grep -q '^Types:.*deb-src' "$f"; then
      sed 's/^Types: deb$/Types: deb-src/' "$f" > /etc/apt/sources.list.d/vxcc-deb-src.sources
    fi
  done
  if [ -f /etc/apt/sources.list ] && grep -q '^deb ' /etc/apt/sources.list; then
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > /etc/apt/sources.list.d/vxcc-deb-src.list
  fi
  apt-get update -qq >&2
fi
(cd "$cache" && apt-get source -qq "$pkg" >&2)
dir=$(find "$cache" -mindepth 1 -maxdepth 1 -type d -name "${pkg}-[0-9]*" | head -1)
[ -n "$dir" ] || { echo "debian-source: apt-get source $pkg produced no directory" >&2; exit 1; }
echo "$dir"
