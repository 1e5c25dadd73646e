#!/usr/bin/env bash
# Write overhead of journal mode: dd onto an image directly vs through lifeboat-journalfs.
#   scripts/journal-overhead.sh [size-MiB]   (default 64; needs /dev/fuse and fusermount3)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-journalfs.sh
mib=${1:-64}
dir=$(mktemp -d)
trap 'fusermount3 -u "$dir/mnt" 2>/dev/null || true; rm -rf "$dir"' EXIT
mkdir -p "$dir/journal" "$dir/mnt"
truncate -s "$((mib * 2))M" "$dir/image"
dist/native/lifeboat-journalfs "$dir/image" "$dir/journal" "$dir/mnt" -f -s &
for _ in $(seq 100); do [ -e "$dir/mnt/image" ] && break; sleep 0.05; done
rate() { dd if=/dev/zero of="$1" bs="$2" count="$3" conv=notrunc,fdatasync 2>&1 | tail -1 | awk '{print $(NF-1), $NF}'; }
for bs in 4k 1M; do
  count=$([ "$bs" = 4k ] && echo $((mib * 256)) || echo "$mib")
  echo "bs=$bs direct: $(rate "$dir/image" "$bs" "$count")  journal: $(rate "$dir/mnt/image" "$bs" "$count")"
done
