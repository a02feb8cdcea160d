#!/usr/bin/env bash
# Part of `make bench`, and runnable alone: the school morning (scenarios/school-morning.toml)
# against a demo server holding STUDENTS students: arrivals over 15 scenario minutes replayed
# SCALE times faster, nine in ten with yesterday's remembered session, each opening the course
# (through its door), downloading its 1 MB file, three in ten handing in 500 KB (one in ten of
# those at 32 KiB/s). Prints the simulator's report; the server's view of the course space's
# line comes from /metrics at the end.
# Password hashing is made cheap here (argon2id 8 MiB, 1 pass) so that "yesterday" (the
# remembered students' logins, not measured) takes a minute, not a quarter of an hour.
# Usage: bench/school_morning.sh BUILD_DIR [STUDENTS] [SCALE]
set -euo pipefail
build=$1
students=${2:-20000}
scale=${3:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  cp "$work/log" "${SCHOOL_LOG:-/tmp/school_morning_server.log}" 2>/dev/null || true  # kept for a look
  rm -rf "$work"
}
trap cleanup EXIT

printf '[server]\nlisten = "127.0.0.1:0"\n[auth]\nargon2_iterations = 1\nargon2_memory_kib = 8192\n' > "$work/c.toml"
"$build/pupitre" serve --config "$work/c.toml" --data-dir "$work/data" --demo \
  --demo-students "$students" > "$work/out" 2> "$work/log" &
pids+=($!)
for _ in $(seq 600); do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/out")
[ -n "$port" ] || { echo "server did not start"; cat "$work/log"; exit 1; }

sed -e "s/^students = .*/students = $students/" -e "s/^time_scale = .*/time_scale = $scale/" \
  "$root/scenarios/school-morning.toml" > "$work/school.toml"
echo "school morning: $students students over 15 scenario minutes, time_scale $scale ($(awk "BEGIN{printf \"%.0f\", 900/$scale}") s real)"
rc=0
"$build/pupitre" load --scenario "$work/school.toml" --target "http://127.0.0.1:$port" \
  --source-addresses 16 --out "$work/result" --quiet || rc=$?
kill -0 "${pids[0]}" 2>/dev/null || { echo "THE SERVER IS GONE: see ${SCHOOL_LOG:-/tmp/school_morning_server.log}"; rc=2; }
echo "server's view at the end:"
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^pupitre_(course_line|course_passes|guard_rejected_total\{class="interactive")' || true
echo "peak server RSS: $(grep VmHWM /proc/"${pids[0]}"/status | awk '{print $2, $3}')"
exit $rc
