#!/usr/bin/env bash
# Part of `make bench`: cross-checks the simulator's client against wrk on one route, compares
# serving the published paper with nginx serving the same bytes as a static file, and runs the
# flash-crowd, flash-crowd-10k and long-exam-autosave scenarios with the simulator, then the
# login storm at the default password-hashing cost. Prints figures and ratios.
# Usage: bench/compare.sh BUILD_DIR OUT_FILE
set -euo pipefail
build=$1
out=$2
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# Starts a fresh demo server on a free loopback port, with $2 demo students (default 2000);
# sets $port.
# With $3 = "default-hash", argon2id keeps its default cost (the login storm); otherwise the
# cheapest, so that logins do not bound the scenario.
start_server() {
  local dir=$work/server-$1
  mkdir -p "$dir"
  if [ "${3:-}" = default-hash ]; then
    printf '[server]\nlisten = "127.0.0.1:0"\nmax_connections = 40000\n' > "$dir/c.toml"
  else
    printf '[server]\nlisten = "127.0.0.1:0"\nmax_connections = 40000\n[auth]\nargon2_iterations = 1\nargon2_memory_kib = 64\n' > "$dir/c.toml"
  fi
  "$build/pupitre" serve --config "$dir/c.toml" --data-dir "$dir/data" --demo \
    --demo-students "${2:-2000}" > "$dir/out" 2> "$dir/log" &
  pids+=($!)
  for _ in $(seq 200); do grep -q listening "$dir/out" 2>/dev/null && break; sleep 0.1; done
  port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$dir/out")
  [ -n "$port" ] || { echo "server did not start"; cat "$dir/log"; exit 1; }
}

# Requests a second, and none but 2xx/3xx (a refusal is not an answer: nginx's 403 on a file
# its workers cannot read once counted as served).
wrk_rate() {
  local out
  out=$(wrk -t1 -c64 -d5s "$@")
  if grep -q "Non-2xx" <<< "$out"; then echo "wrk saw refusals: $out" >&2; exit 1; fi
  awk '/Requests\/sec/ {print $2}' <<< "$out"
}
probe_rate() { "$build/pupitre" load probe --connections 64 --seconds 5 "$@" | awk '/Requests\/sec/ {print $2}'; }
best() { printf '%s\n' "$@" | sort -g | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

start_server a
target=http://127.0.0.1:$port

{
echo "== client cross-check: GET /healthz, 64 connections, 5 s, best of two runs each"
w1=$(wrk_rate "$target/healthz"); p1=$(probe_rate --target "$target" --path /healthz)
w2=$(wrk_rate "$target/healthz"); p2=$(probe_rate --target "$target" --path /healthz)
w=$(best "$w1" "$w2"); p=$(best "$p1" "$p2")
r=$(ratio "$p" "$w")
verdict=$(awk -v r="$r" 'BEGIN { print (r >= 0.85 && r <= 1.15) ? "agree within 15%" : "DISAGREE by more than 15%" }')
printf '  wrk %10.0f req/s   pupitre load probe %10.0f req/s   ratio %s: %s\n' "$w" "$p" "$r" "$verdict"

echo
echo "== the published paper: pupitre vs nginx serving the same bytes as a static file"
token=$(curl -s -X POST "$target/api/login" -H 'Content-Type: application/json' -d '{"login":"student0001","password":"student-demo"}' | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
curl -s -o /dev/null -X POST -H "Authorization: Bearer $token" "$target/api/exams/demo-exam/start"
mkdir -p "$work/www"
chmod 755 "$work" "$work/www"  # nginx's workers (nobody) read the file
curl -s -H "Authorization: Bearer $token" "$target/api/exams/demo-exam/paper" > "$work/www/paper.json"
chmod 644 "$work/www/paper.json"
bytes=$(stat -c %s "$work/www/paper.json")
nport=$(( (port % 20000) + 30000 ))
cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  default_type application/json;
  sendfile on;
  keepalive_requests 1000000;
  client_body_temp_path $work/tmp;
  proxy_temp_path $work/tmp;
  fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp;
  scgi_temp_path $work/tmp;
  server {
    listen 127.0.0.1:$nport;
    root $work/www;
  }
}
NGINX
mkdir -p "$work/tmp"
# Its output must not hold this block's pipe open: to a file, and stopped at the block's end.
nginx -c "$work/nginx.conf" -p "$work" > "$work/nginx.out" 2>&1 &
nginx_pid=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$nport/paper.json" && break; sleep 0.1; done
n1=$(wrk_rate "http://127.0.0.1:$nport/paper.json"); q1=$(wrk_rate -H "Authorization: Bearer $token" "$target/api/exams/demo-exam/paper")
n2=$(wrk_rate "http://127.0.0.1:$nport/paper.json"); q2=$(wrk_rate -H "Authorization: Bearer $token" "$target/api/exams/demo-exam/paper")
n=$(best "$n1" "$n2"); q=$(best "$q1" "$q2")
printf '  paper of %s bytes: nginx %10.0f req/s   pupitre %10.0f req/s   ratio %s (target >= 0.70)\n' "$bytes" "$n" "$q" "$(ratio "$q" "$n")"
kill "$nginx_pid"

echo
echo "== a course file: pupitre (access checked, sendfile) vs nginx (sendfile), and durable uploads"
bash "$(dirname "$0")/file_vs_nginx.sh" "$build"
} | tee -a "$out"

for scenario in flash-crowd flash-crowd-10k long-exam-autosave; do
  start_server "$scenario" "$(sed -n 's/^students *= *\([0-9]*\).*/\1/p' "scenarios/$scenario.toml")"
  echo | tee -a "$out"
  echo "== scenario $scenario (pupitre load --scenario scenarios/$scenario.toml)" | tee -a "$out"
  # Students come from many networks (32 addresses, one per /24), not all from one address.
  "$build/pupitre" load --scenario "scenarios/$scenario.toml" --target "http://127.0.0.1:$port" --source-addresses 32 --quiet | tee -a "$out" || true
done

# The 9:00 login storm at the default argon2id cost (issue 12): everyone logs in at the same
# second; all must get in with 0 errors, the last within the hashing bound (logins / the
# measured hashes a second) + 5 s.
start_server login-storm 1000 default-hash
echo | tee -a "$out"
echo "== scenario login-storm (pupitre load --scenario scenarios/login-storm.toml, default argon2id)" | tee -a "$out"
"$build/pupitre" load --scenario scenarios/login-storm.toml --target "http://127.0.0.1:$port" --source-addresses 32 --quiet --out "$work/storm" | tee -a "$out" || true
python3 - "$work/storm/result.json" "$port" <<'PY' | tee -a "$out"
import json, sys, urllib.request
r = json.load(open(sys.argv[1]))
metrics = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[2]).read().decode()
rate = next(float(l.split()[1]) for l in metrics.splitlines() if l.startswith("pupitre_login_hashes_per_second "))
issued = next(float(l.split()[1]) for l in metrics.splitlines() if l.startswith('pupitre_login_line_numbers_total{state="issued"}'))
login = r["steps"].get("login", {})
n = login.get("count", 0)
bound = r["students"] / rate + 5
last = login.get("max_ms", 0) / 1000
ok = r["total_errors"] == 0 and n == r["students"] and last <= bound
print("  %d of %d logged in, %d errors; %d waited in the login line (%d polls); hashing %.1f/s" %
      (n, r["students"], r["total_errors"], issued, r.get("login_line_polls", 0), rate))
print("  last login after %.1f s; bound %d / %.1f + 5 = %.1f s: %s" %
      (last, r["students"], rate, bound, "PASS" if ok else "FAIL"))
PY
