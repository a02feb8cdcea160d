#!/usr/bin/env bash
# Durable saves before and after a change, in the same run: builds the server of BASE (a commit;
# default: the last one before the reshape of issue 10) beside the current build, then runs
# save_bench against each in turn, ROUNDS times (the order alternating, base-now then now-base,
# so that a machine getting busier or quieter favours neither), and prints the current build's
# rate as a ratio of BASE's at each concurrency (> 1.00: faster now). The machines are noisy:
# only a ratio measured in one run means anything.
#   bench/save_before_after.sh [build-dir]
#   (SAVE_BASE=REV, ROUNDS=4, BENCH_SECONDS, BENCH_CONCURRENCY)
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
base=${SAVE_BASE:-ee1dd80}
seconds=${BENCH_SECONDS:-5}
levels=${BENCH_CONCURRENCY:-64,256,1024}
rounds=${ROUNDS:-4}
base_dir="$root/build-base"

if [ ! -x "$base_dir/build/pupitre" ] || [ "$(cat "$base_dir/REV" 2>/dev/null)" != "$base" ]; then
  echo "building the server of $base in $base_dir (once)"
  rm -rf "$base_dir" && mkdir -p "$base_dir/src"
  git -C "$root" archive "$base" | tar -x -C "$base_dir/src"
  cmake -S "$base_dir/src" -B "$base_dir/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$base_dir/build" -j "$(nproc)" --target pupitre >/dev/null
  echo "$base" > "$base_dir/REV"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for round in $(seq 1 "$rounds"); do
  order="base now"
  [ $((round % 2)) -eq 0 ] && order="now base"
  for side in $order; do
    bin="$root/$build/pupitre"
    [ "$side" = base ] && bin="$base_dir/build/pupitre"
    PUPITRE_BIN="$bin" "$root/$build/save_bench" --seconds "$seconds" --concurrency "$levels" \
      --json "$tmp/$side-$round.json" >/dev/null
  done
done
python3 - "$tmp" "$base" "$(git -C "$root" rev-parse --short HEAD)" <<'PY'
import json, sys, glob, os
tmp, base, now = sys.argv[1:4]
def load(side):
    rows = {}
    for f in sorted(glob.glob(os.path.join(tmp, side + "-*.json"))):
        for r in json.load(open(f)):
            rows.setdefault(r["concurrency"], []).append(r)
    return rows
b, n = load("base"), load("now")
rounds = len(glob.glob(os.path.join(tmp, "base-*.json")))
print(f"saves/s, mean of {rounds} rounds each (order alternating), base {base} vs now {now}")
print(f"{'concurrency':>11} {'base save/s':>12} {'now save/s':>11} {'ratio':>6} {'base p99':>9} {'now p99':>8} {'errors':>7}")
for level in sorted(b):
    bs = sum(r["save_rps"] for r in b[level]) / len(b[level])
    ns = sum(r["save_rps"] for r in n[level]) / len(n[level])
    bp = max(r["save_p99_ms"] for r in b[level])
    np_ = max(r["save_p99_ms"] for r in n[level])
    err = sum(r["save_errors"] for r in b[level] + n[level])
    print(f"{level:>11} {bs:>12.0f} {ns:>11.0f} {ns / bs:>6.2f} {bp:>8.1f}ms {np_:>6.1f}ms {err:>7}")
PY
