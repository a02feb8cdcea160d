#!/usr/bin/env bash
# Runs every libFuzzer harness of BUILD_DIR (fuzz/*_fuzz.cc) for SECONDS each, two at a time,
# from the committed seed corpus (fuzz/corpus/NAME/). New inputs go to a temporary directory,
# never into the repository; a crash is kept as fuzz/crashes/NAME-* and fails the run.
# Short runs (the 30 s of `make test`) use a fixed seed and a bounded number of inputs, so that
# they explore the same inputs on every machine (a green run stays green); longer runs
# (`make fuzz`) are random and explore further. Add a crash's input to fuzz/corpus/NAME/ once
# it is mended: it is then checked on every run.
set -euo pipefail
build_dir="${1:?build dir}"
seconds="${2:-30}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$root/fuzz/crashes"
names=()
for src in "$root"/fuzz/*_fuzz.cc; do names+=("$(basename "$src" _fuzz.cc)"); done

# Inputs a short run tries, per harness (about 20 s each on the 2-core machine).
declare -A smoke_runs=([http_request]=200000 [exam_toml]=50000 [gift]=100000 [moodle_xml]=50000 [qti]=30000 [users_csv]=150000 [json_body]=400000)

run_one() {
  local name="$1" bin="$build_dir/${1}_fuzz"
  local mode=()
  if [ "$seconds" -le 60 ]; then mode=(-seed=1 -runs="${smoke_runs[$name]:-100000}"); fi
  [ -x "$bin" ] || { echo "fuzz: $bin is missing (make thread-safety builds it)" >&2; return 1; }
  mkdir -p "$work/$name"
  # -rss_limit_mb bounds memory; -timeout flags any input that takes over 10 s.
  if "$bin" "${mode[@]}" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
       -artifact_prefix="$root/fuzz/crashes/$name-" "$work/$name" "$root/fuzz/corpus/$name" \
       >"$work/$name.log" 2>&1; then
    echo "fuzz: $name: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$work/$name.log" | awk '{print $2}') inputs, no failure"
  else
    echo "fuzz: $name FAILED; the input is in fuzz/crashes/:" >&2
    tail -40 "$work/$name.log" >&2
    return 1
  fi
}

status=0
for ((i = 0; i < ${#names[@]}; i += 2)); do
  pids=()
  for name in "${names[@]:i:2}"; do run_one "$name" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || status=1; done
done
exit $status
