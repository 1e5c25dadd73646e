#!/usr/bin/env bash
# Installs what Lifeboat's tests and benchmarks need on a fresh Debian machine, then the npm
# dependencies. Safe to run again: it installs only what is missing.
#   - Debian packages: postgresql (state store + database protection), restic and borgbackup
#     (benchmark peers), zstd, chromium (the dashboard's browser test drives it headless); fuse3,
#     libfuse3-dev, gcc, pkg-config, zlib1g-dev (the journal pass-through of volume protection,
#     built into dist/native by scripts/build-journalfs.sh); openssh-server (the `ssh` and
#     `fsfreeze` workflow actions are tested against a real sshd) and e2fsprogs (the fsfreeze test
#     loop-mounts an ext4 image).
#   - moto_server (the AWS emulator): used from PATH when present, else a virtualenv in
#     .venv-moto with moto[server] 5.2.1 from PyPI.
#   --demo: only what `lifeboat demo` needs (moto_server and the npm dependencies); no Debian
#   packages, so it needs no root.
set -euo pipefail
cd "$(dirname "$0")/.."

demo_only=false
[ "${1:-}" = "--demo" ] && demo_only=true

packages=(postgresql restic borgbackup zstd chromium fuse3 libfuse3-dev gcc pkg-config zlib1g-dev
  openssh-server e2fsprogs)
missing=()
if ! $demo_only; then
  for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ -n "${LIFEBOAT_MOTO_SERVER:-}" ] && [ -x "$LIFEBOAT_MOTO_SERVER" ]; then
  echo "setup: moto_server from LIFEBOAT_MOTO_SERVER"
elif command -v moto_server >/dev/null 2>&1; then
  echo "setup: moto_server at $(command -v moto_server)"
elif [ -x .venv-moto/bin/moto_server ]; then
  echo "setup: moto_server in .venv-moto"
else
  echo "setup: creating .venv-moto with moto[server]==5.2.1"
  python3 -m venv .venv-moto
  .venv-moto/bin/pip install --quiet 'moto[server]==5.2.1'
fi

npm ci --no-fund --no-audit
# The journal pass-through needs libfuse3-dev, which --demo does not install.
$demo_only || scripts/build-journalfs.sh
