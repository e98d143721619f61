# Shared by the end-to-end tests: a scratch folder, failure reporting, recording totals.
set -euo pipefail
: "${LEAKRANK:?set by CTest}" "${TOKENIZER:?}" "${RECORDING_TOTALS:?}" "${TARGETS_DIR:?}"
LIFECYCLE=$TARGETS_DIR/target_lifecycle
PLUGIN=$TARGETS_DIR/libtarget_plugin.so
MARK_SIZE=4321   # lifecycle.c leaks MARK_COUNT blocks of this size in the process a mode is about
MARK_COUNT=7

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# field NAME LINE: the value of NAME=value in a recording_totals line.
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"; }

expect_eq() {  # actual expected what
  [[ "$1" == "$2" ]] || fail "$3: expected '$2', got '$1'"
}

# totals FILE [SIZE]: decode a recording; fails the test if it cannot be read.
totals() { "$RECORDING_TOTALS" "$@" || fail "cannot decode $1"; }

# Under leakrank each thread's dynamic TLS vector (DTV, allocated with malloc by glibc) has
# two more slots, for the TLS of libleakrank.so and of libunwind: 16 bytes each. That is a
# real allocation of the recorded process, which memcheck's runs do not have.
DTV_BYTES_PER_THREAD=32

# sample_line TEXT FILE: the line of the pyservice sample's FILE that holds TEXT (read, so
# edits to the sample keep the tests true).
sample_line() { grep -nF "$1" "$(dirname "$PYSERVICE")/$2" | cut -d: -f1; }

# python_caller_of JSON NATIVE: "function file:line" of the first Python frame outside the
# native function NATIVE in the stack of JSON's first site: the Python line that called it.
python_caller_of() {
  jq -r --arg native "$2" '.sites[0].frames | (map(.function) | index($native)) as $at |
      [to_entries[] | select(.key > $at and .value.kind == "python")][0].value |
      "\(.function) \(.file | split("/") | last):\(.line)"' "$1"
}

# valgrind_heap_usage CMD...: "allocs frees bytes" as memcheck counts them on the same run.
valgrind_heap_usage() {
  valgrind --tool=memcheck --run-libc-freeres=no --run-cxx-freeres=no "$@" 2>&1 >/dev/null |
    sed -n 's/.*total heap usage: \([0-9,]*\) allocs, \([0-9,]*\) frees, \([0-9,]*\) bytes allocated.*/\1 \2 \3/p' |
    tr -d ,
}

# wait_until_serving NAME: a service started in the background into NAME.out says
# "serving pid ..." once it serves; fails the test (with NAME.err) if it never does.
wait_until_serving() {
  for _ in $(seq 200); do
    grep -q '^serving pid' "$1.out" && return 0
    sleep 0.05
  done
  fail "$1 never started serving: $(cat "$1.err" 2>/dev/null)"
}
