#!/usr/bin/env bash
# Replays the seed corpus and every past crash input, then fuzzes each target for a share
# of SECONDS. A new crash input is kept in fuzz/regressions/<target>-<hash>, to be
# replayed on every later run, and fails the script.
# Usage: fuzz/run_fuzzers.sh BUILD_DIR [SECONDS]   (build: see fuzz/CMakeLists.txt)
set -euo pipefail
fuzz_dir=$(cd "$(dirname "$0")" && pwd)
build_dir=$(cd "${1:?usage: run_fuzzers.sh BUILD_DIR [SECONDS]}" && pwd)
seconds=${2:-60}
targets=(recording_reader diff_inputs)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

status=0
for target in "${targets[@]}"; do
  fuzzer=$build_dir/${target}_fuzzer
  options=(-rss_limit_mb=2048 -timeout=10)
  [[ -e $fuzz_dir/$target.dict ]] && options+=(-dict="$fuzz_dir/$target.dict")

  # Every past crash input, one run each: they must all pass now.
  regressions=("$fuzz_dir"/regressions/"$target"-*)
  if [[ -e ${regressions[0]} ]] && ! "$fuzzer" "${options[@]}" "${regressions[@]}" >"$scratch/$target.replay" 2>&1; then
    echo "run_fuzzers: $target fails on a known crash input:" >&2
    grep -m1 -B2 -A12 "ERROR\|check failed\|what()" "$scratch/$target.replay" >&2 || tail -20 "$scratch/$target.replay" >&2
    status=1
    continue
  fi

  # New inputs, starting from the seeds (the recording seeds serve both targets).
  mkdir "$scratch/$target"
  if ! "$fuzzer" "${options[@]}" -max_total_time=$((seconds / ${#targets[@]})) -print_final_stats=1 \
    -artifact_prefix="$scratch/$target-" "$scratch/$target" "$fuzz_dir/corpus" >"$scratch/$target.log" 2>&1; then
    for crash in "$scratch/$target"-*; do
      kept=$fuzz_dir/regressions/$target-$(sha1sum "$crash" | cut -c1-12)
      cp "$crash" "$kept"
      echo "run_fuzzers: $target crashed; input kept as $kept" >&2
    done
    grep -m1 -A12 "ERROR\|check failed\|what()" "$scratch/$target.log" >&2 || tail -20 "$scratch/$target.log" >&2
    status=1
    continue
  fi
  echo "run_fuzzers: $target: $(sed -n 's/stat::number_of_executed_units: *//p' "$scratch/$target.log") executions, no crash"
done
exit $status
