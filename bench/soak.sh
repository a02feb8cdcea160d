#!/usr/bin/env bash
# `make soak`: the 15,000-student morning (scenarios/soak-15000.toml) against a fresh demo server
# on a loopback port, then every acknowledged answer checked on the server. About two minutes.
# Not part of `make test` nor `make bench`: it needs ~20,000 file descriptors per process.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
scenario=${SOAK_SCENARIO:-$root/scenarios/soak-15000.toml}
students=$(sed -n 's/^students *= *\([0-9]*\).*/\1/p' "$scenario")
work=$(mktemp -d)
out=${SOAK_OUT:-$work/run}
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work/data"' EXIT

# Each student holds a connection, and one more while in the waiting room (a tenth of them at
# the peak in this scenario).
ulimit -n "$(ulimit -Hn)"
need=$((students + students / 10 + 100))
if [ "$(ulimit -n)" -lt "$need" ]; then
  echo "soak: $students students need about $need open files per process; this shell allows $(ulimit -n)" >&2
  exit 2
fi

cat > "$work/server.toml" <<TOML
[server]
listen = "127.0.0.1:0"
max_connections = $((need * 2))
[store]
queue_capacity = $((need * 2 + 200000))
[auth]
# 15,000 logins in two minutes on two cores: a cheap hash for the test accounts only.
argon2_iterations = 1
argon2_memory_kib = 64
TOML
"$build/pupitre" serve --config "$work/server.toml" --data-dir "$work/data" --demo \
  --demo-students "$students" > "$work/server.out" 2> "$work/server.log" &
server=$!
port=""
for _ in $(seq 1 600); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/server.out")
  [ -n "$port" ] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.2
done
[ -n "$port" ] || { echo "soak: the server did not start"; cat "$work/server.log"; exit 1; }

rc=0
"$build/pupitre" load --scenario "$scenario" --target "http://127.0.0.1:$port" --out "$out" --quiet || rc=$?
"$build/pupitre" load verify --ledger "$out/ledger.jsonl" --target "http://127.0.0.1:$port" \
  --password teacher-demo || rc=$?
# The server's own view of the same morning: its latency per route, from the request read to
# the response handed to the socket (the simulator's figures add the time in kernel queues and in
# its own event loop, on the same two cores).
curl -s "http://127.0.0.1:$port/metrics" > "$out/metrics.txt" || true
python3 - "$out/metrics.txt" <<'PY'
import re, sys
buckets = {}
for line in open(sys.argv[1]):
    m = re.match(r'pupitre_http_request_duration_seconds_bucket\{route="(\w+)",le="([^"]+)"\} (\d+)', line)
    if m:
        buckets.setdefault(m[1], []).append((float("inf") if m[2] == "+Inf" else float(m[2]), int(m[3])))
print("server-side latency (upper bound of the bucket)")
for route in ("login", "start", "paper", "save", "submit"):
    b = sorted(buckets.get(route, []))
    if not b or b[-1][1] == 0:
        continue
    total = b[-1][1]
    q = lambda p: next(le for le, n in b if n >= p * total)
    print(f"  {route:8} {total:8d} requests   p50 <= {q(0.5) * 1000:g} ms   p99 <= {q(0.99) * 1000:g} ms")
PY
rss=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$server/status" 2>/dev/null || echo "?")
echo "server peak resident memory: ${rss} MiB"
echo "report: $out/report.html"
exit "$rc"
