# What hung the profiler on real programs (tests/targets/hazards.c): the first allocation
# of a thread inside pthread_getattr_np (every JVM thread), and fork while other threads
# unwind or walk the loaded objects. Each run must end, keep the target's exit code, and
# record every process with its marks.
source "$(dirname "$0")/lib.sh"
HAZARDS=$TARGETS_DIR/target_hazards

# record NAME [RUN OPTIONS] -- CMD...: a run that must end on its own and succeed.
record() {
  local name=$1 status=0
  shift
  timeout 120 "$LEAKRANK" run -o "$name.lrk" "$@" >"$name.out" 2>"$name.err" || status=$?
  ((status != 124)) || fail "$name: leakrank run hung"
  ((status == 0)) || fail "$name: exit code $status; it printed: $(tail -n 20 "$name.out" "$name.err")"
}

# expect_marks FILE COUNT: the recording holds COUNT live marks.
expect_marks() {
  expect_eq "$(field live_of_size "$(totals "$1" "$MARK_SIZE")")" "$2" "live marks in $1"
}

record getattr -- "$HAZARDS" getattr-first
expect_marks getattr.lrk $((5 * MARK_COUNT))

children=150
for mode in fork-while-unwinding fork-while-walking; do
  record "$mode" --include-children -- "$HAZARDS" "$mode" "$children"
  expect_eq "$(ls "$mode".*.lrk | wc -l)" "$children" "child recordings of $mode"
  expect_marks "$mode.lrk" "$MARK_COUNT"
  for child in "$mode".*.lrk; do expect_marks "$child" "$MARK_COUNT"; done
done
echo "run_hazards: ok"
