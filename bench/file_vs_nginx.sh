#!/usr/bin/env bash
# Part of `make bench` (bench/compare.sh), and runnable alone: a course file served by pupitre
# (access checked, sendfile, validators) against nginx serving the same bytes with sendfile, same
# load tool (wrk), same run, 64 connections, best of two runs each. Also: durable uploads a
# second (each a tus creation, one part fdatasynced, adoption as a blob, a course item).
# Usage: bench/file_vs_nginx.sh BUILD_DIR [SIZE_BYTES]
set -euo pipefail
build=$1
size=${2:-1048576}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$work/server" "$work/www" "$work/tmp"
# One account asks for the file from 64 connections: its per-account rate limit is lifted, as
# for many students each asking once.
printf '[server]\nlisten = "127.0.0.1:0"\n[auth]\nargon2_iterations = 1\nargon2_memory_kib = 64\n[limits]\naccount_rate = 10000000\naccount_burst = 10000000\n' > "$work/server/c.toml"
"$build/pupitre" serve --config "$work/server/c.toml" --data-dir "$work/server/data" --demo \
  --demo-students 10 > "$work/server/out" 2> "$work/server/log" &
pids+=($!)
for _ in $(seq 200); do grep -q listening "$work/server/out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/server/out")
[ -n "$port" ] || { echo "server did not start"; cat "$work/server/log"; exit 1; }
target=http://127.0.0.1:$port
login() { curl -s -X POST "$target/api/login" -H 'Content-Type: application/json' -d "{\"login\":\"$1\",\"password\":\"$2\"}" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p'; }
teacher=$(login teacher teacher-demo)
student=$(login student0001 student-demo)

head -c "$size" /dev/urandom > "$work/www/file.pdf"
chmod 755 "$work" "$work/www"; chmod 644 "$work/www/file.pdf"  # nginx's workers read it as nobody
# One upload: create, one part, then a file item in the demo course's first section.
upload() {
  local loc id
  loc=$(curl -s -D - -o /dev/null -X POST "$target/api/uploads" -H "Authorization: Bearer $teacher" \
    -H 'Tus-Resumable: 1.0.0' -H "Upload-Length: $2" -H "Upload-Metadata: filename $(printf '%s' "$1" | base64 -w0)" |
    tr -d '\r' | sed -n 's/^Location: //Ip')
  curl -s -o /dev/null -X PATCH "$target$loc" -H "Authorization: Bearer $teacher" -H 'Tus-Resumable: 1.0.0' \
    -H 'Upload-Offset: 0' -H 'Content-Type: application/offset+octet-stream' --data-binary @"$3"
  id=${loc##*/}
  curl -s -X POST "$target/api/courses/demo-course/sections/1/items" -H "Authorization: Bearer $teacher" \
    -H 'Content-Type: application/json' -d "{\"kind\":\"file\",\"title\":\"$1\",\"upload\":\"$id\"}"
}
url=$(upload file.pdf "$size" "$work/www/file.pdf" | sed -n 's/.*"url":"\([^"]*\)".*/\1/p')
[ -n "$url" ] || { echo "the upload failed"; exit 1; }
cmp <(curl -s -H "Authorization: Bearer $student" "$target$url") "$work/www/file.pdf" || { echo "the file differs"; exit 1; }

nport=$(( (port % 20000) + 31000 ))
cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  default_type application/pdf;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $work/tmp;
  proxy_temp_path $work/tmp;
  fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp;
  scgi_temp_path $work/tmp;
  server { listen 127.0.0.1:$nport; root $work/www; }
}
NGINX
nginx -c "$work/nginx.conf" -p "$work" > "$work/nginx.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$nport/file.pdf" && break; sleep 0.1; done

# Requests a second, and none but 200s (a refused request is not a file served).
wrk_rate() {
  local out
  out=$(wrk -t1 -c64 -d5s "$@")
  if grep -q "Non-2xx" <<< "$out"; then echo "wrk saw refusals: $out" >&2; exit 1; fi
  awk '/Requests\/sec/ {print $2}' <<< "$out"
}
best() { printf '%s\n' "$@" | sort -g | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
curl -s -o /dev/null -w "  check: nginx %{http_code} %{size_download} bytes" "http://127.0.0.1:$nport/file.pdf"; curl -s -o /dev/null -w ", pupitre %{http_code} %{size_download} bytes\n" -H "Authorization: Bearer $student" "$target$url"
n1=$(wrk_rate "http://127.0.0.1:$nport/file.pdf"); q1=$(wrk_rate -H "Authorization: Bearer $student" "$target$url")
n2=$(wrk_rate "http://127.0.0.1:$nport/file.pdf"); q2=$(wrk_rate -H "Authorization: Bearer $student" "$target$url")
n=$(best "$n1" "$n2"); q=$(best "$q1" "$q2")
printf '  course file of %s bytes: nginx %8.0f req/s (%6.0f MB/s)   pupitre %8.0f req/s (%6.0f MB/s)   ratio %s (target >= 0.80)\n' \
  "$size" "$n" "$(awk -v r="$n" -v s="$size" 'BEGIN{print r*s/1e6}')" "$q" "$(awk -v r="$q" -v s="$size" 'BEGIN{print r*s/1e6}')" "$(ratio "$q" "$n")"

# Durable uploads a second: 200 hand-in sized files (500 KB) one after another, each answered
# only once on disk and adopted.
head -c 512000 /dev/urandom > "$work/handin.bin"
start=$(date +%s.%N)
for i in $(seq 200); do upload "h$i.bin" 512000 "$work/handin.bin" > /dev/null; done
end=$(date +%s.%N)
printf '  durable uploads of 500 KB, one at a time: %.0f a second (200 in %.1f s; each: create, one part fdatasynced, adopted, an item)\n' \
  "$(awk -v s="$start" -v e="$end" 'BEGIN{print 200/(e-s)}')" "$(awk -v s="$start" -v e="$end" 'BEGIN{print e-s}')"
