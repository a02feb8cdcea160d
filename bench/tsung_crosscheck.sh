#!/usr/bin/env bash
# Part of `make bench` (issue 17): the simulator cross-checked against an independent load tool,
# Tsung (Debian `tsung`), on the same start-and-save morning at three arrival rates, one of them
# past the server's breaking point. The server admits exactly ADMIT starts a second (its waiting
# room, fixed: [waiting_room] min_rate = max_rate = ADMIT); above that, students wait. Each tool
# sends its own students (fresh ones, logged in beforehand: the starts are measured alone), who
# start at RATE a second for SECONDS seconds, take the paper (through the waiting room when told
# to wait: pupitre load follows its event stream, Tsung polls it every second as the page does
# without one), save an answer and submit. Printed side by side: the starts answered at once and
# those that waited, the students who finished, the errors, the time to the paper, and each
# tool's estimate of the breaking point at the rate past it: its students over the time from
# the first arrival to the last paper in hand (the line drains at the admission rate). The two
# must agree within 15%, and with ADMIT, else the line says DISAGREE and the script fails.
# Usage: bench/tsung_crosscheck.sh BUILD_DIR [ADMIT [SECONDS]]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
admit=${2:-100}
seconds=${3:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
command -v tsung >/dev/null || { echo "tsung is missing: scripts/install-deps.sh installs it"; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

rates=("$((admit / 2))" "$((admit * 9 / 10))" "$((admit * 2))")
total=0
for r in "${rates[@]}"; do total=$((total + 2 * r * seconds)); done

mkdir -p "$work/server"
cat > "$work/server/c.toml" <<EOF
[server]
listen = "127.0.0.1:0"
max_connections = 40000
max_connections_per_address = 0
max_connections_per_subnet = 0
[auth]
argon2_iterations = 1
argon2_memory_kib = 64
[waiting_room]
initial_rate = $admit
min_rate = $admit
max_rate = $admit
EOF
"$build/pupitre" serve --config "$work/server/c.toml" --data-dir "$work/server/data" --demo \
  --demo-students "$total" > "$work/server/out" 2> "$work/server/log" &
pids+=($!)
for _ in $(seq 600); do grep -q listening "$work/server/out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/server/out")
[ -n "$port" ] || { echo "server did not start"; cat "$work/server/log"; exit 1; }

echo "server admits $admit starts/s; each step: RATE starts/s for $seconds s, per tool"
printf '%-8s %-13s %8s %9s %7s %9s %7s %11s %11s\n' "rate/s" "tool" "students" "at once" "waited" "finished" "errors" "taking mean" "taking max"
next=1
fail=0
estimates=()
for rate in "${rates[@]}"; do
  n=$((rate * seconds))
  # --- pupitre load: its students log in first (start_after_logins), then start on the plan.
  cat > "$work/sim.toml" <<EOF
[scenario]
name = "crosscheck-$rate"
exam = "demo-exam"
students = $n
first_student = $next
page = "api"
time_scale = 1
login_spread_minutes = $(python3 -c "print(round($n / 300 / 60, 4))")
start_after_logins = true
start_spread_seconds = $seconds
work_minutes = 0.1
think_seconds = 4
typing_share = 0
EOF
  "$build/pupitre" load --scenario "$work/sim.toml" --target "http://127.0.0.1:$port" \
    --source-addresses 16 --quiet --out "$work/sim-$rate" > "$work/sim-$rate.txt" 2>&1 || true
  next=$((next + n))
  # --- Tsung: its students' sessions made beforehand, one token each.
  python3 - "$port" "$next" "$n" > "$work/tokens.csv" <<'PY'
import http.client, json, sys
port, first, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
c = http.client.HTTPConnection("127.0.0.1", port)
for i in range(first, first + n):
    body = json.dumps({"login": f"student{i:04d}", "password": "student-demo"})
    c.request("POST", "/api/login", body, {"Content-Type": "application/json"})
    r = c.getresponse()
    data = r.read()
    if r.status != 200:
        sys.exit(f"login student{i:04d}: {r.status} {data[:200]!r}")
    print(json.loads(data)["token"])
PY
  next=$((next + n))
  sed -e "s|@PORT@|$port|g" -e "s|@RATE@|$rate|g" -e "s|@SECONDS@|$seconds|g" -e "s|@STUDENTS@|$n|g" \
      -e "s|@TOKENS@|$work/tokens.csv|g" "$root/bench/tsung/start-and-save.xml" > "$work/tsung-$rate.xml"
  mkdir -p "$work/tsung-$rate"
  (cd "$work" && HOME="$work" tsung -f "$work/tsung-$rate.xml" -l "$work/tsung-$rate" start > "$work/tsung-$rate.txt" 2>&1) || true
  line=$(python3 - "$rate" "$seconds" "$work/sim-$rate/result.json" "$work/tsung-$rate" <<'PY'
import glob, json, re, sys
rate, seconds = int(sys.argv[1]), int(sys.argv[2])
def row(tool, f):
    students, at_once, waited, finished, errors, mean, top = f
    return (f"{rate:<8} {tool:<13} {students:>8} {at_once:>9} {waited:>7} {finished:>9} {errors:>7}"
            f" {mean:>8.0f} ms {top:>8.0f} ms")
# pupitre load's figures, from its result.json ("taking": from the planned start to the paper).
sim = ts = None
try:
    r = json.load(open(sys.argv[3]))
    steps = r["steps"]
    waited = steps.get("wait", {}).get("count", 0)
    started = steps.get("start", {}).get("count", 0)
    taking = steps.get("taking", {})
    sim = (r["students"], started - waited, waited, r["finished"], r["total_errors"],
           taking.get("mean_ms", 0), taking.get("max_ms", 0))
except Exception as e:
    print(f"{rate:<8} pupitre load: no result ({e})")
# Tsung's, from the last dump of its tsung.log. Counters: "stats: NAME in-period total";
# samples: "stats: NAME in-period mean stddev max min total-mean total-count" (the total count
# is of the periods before the last: the last period's count is added).
logs = glob.glob(sys.argv[4] + "/*/tsung.log")
if logs:
    counters, samples = {}, {}
    for line in open(logs[0]):
        f = line.split()
        if len(f) == 4 and f[0] == "stats:":
            counters[f[1]] = int(f[3])
        elif len(f) == 9 and f[0] == "stats:":
            samples[f[1]] = (int(f[2]) + int(f[8]), float(f[5]), float(f[7]))
    users = counters.get("users_count", 0)
    waited = counters.get("202", 0)
    finished = samples.get("tr_finished", (0, 0, 0))[0]
    errors = sum(v for k, v in counters.items() if k.startswith("error") or re.fullmatch(r"[45]\d\d", k))
    count, top, mean = samples.get("tr_taking", (0, 0, 0))
    ts = (users, users - waited, waited, finished, errors, mean, top)
else:
    print(f"{rate:<8} tsung: no log")
for tool, f in (("pupitre load", sim), ("tsung", ts)):
    if f:
        print(row(tool, f))
if sim and ts:
    ok = sim[3] == sim[0] and ts[3] == ts[0] and sim[4] == 0 and ts[4] == 0
    # Past the breaking point the line drains at the server's admission rate: the students over
    # the time from the first arrival to the last paper in hand (the arrivals' span, then the
    # last arrival's time to the paper, the longest in a first-come line).
    print(f"ESTIMATE {sim[0] / (seconds + sim[6] / 1000):.1f} {ts[0] / (seconds + ts[6] / 1000):.1f} {int(ok)}")
PY
)
  grep -v '^ESTIMATE' <<< "$line"
  est=$(grep '^ESTIMATE' <<< "$line" || true)
  [ -n "$est" ] || { fail=1; continue; }
  read -r _ sim_rate ts_rate ok <<< "$est"
  if [ "$ok" != 1 ]; then echo "  (a tool did not finish every student without error at $rate/s)"; fail=1; fi
  estimates+=("$rate $sim_rate $ts_rate")
done

# The breaking point, as each tool measured it at the rate past it.
read -r rate sim_rate ts_rate <<< "${estimates[-1]}"
verdict=$(python3 -c "
a, b, k = $sim_rate, $ts_rate, $admit
agree = abs(a - b) / max(a, b, 1e-9) <= 0.15 and abs(a - k) / k <= 0.15 and abs(b - k) / k <= 0.15
print(('agree' if agree else 'DISAGREE') + f': arrivals at {$rate}/s were given the paper at {a:.1f}/s (pupitre load) and {b:.1f}/s (tsung), {abs(a - b) / max(a, b) * 100:.0f}% apart; the server admits {k}/s')")
echo "breaking point: $verdict"
[[ "$verdict" == agree* ]] || fail=1
exit "$fail"
