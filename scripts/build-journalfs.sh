#!/usr/bin/env bash
# Builds the journal pass-through (native/journalfs/journalfs.c) into dist/native/, where the
# agent and the tests find it. Needs gcc, pkg-config, libfuse3-dev and zlib1g-dev (setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p dist/native
out=dist/native/lifeboat-journalfs
if [ "$out" -nt native/journalfs/journalfs.c ]; then exit 0; fi
# A temp name of this process's own: test files that build it in parallel must not collide.
tmp="$out.tmp.$$"
gcc -O2 -Wall -Wextra -o "$tmp" native/journalfs/journalfs.c $(pkg-config --cflags --libs fuse3) -lz -lpthread
mv -f "$tmp" "$out"
