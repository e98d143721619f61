# What hung the profiler or lost processes on real programs (tests/targets/hazards.c): the
# first allocation of a thread inside pthread_getattr_np (every JVM thread), fork while
# other threads unwind or walk the loaded objects, process trees as shells make them, and
# an allocator that maps memory under its own lock (redis' jemalloc: tests/targets/locked_allocator*.c).
# Each run must end, keep the target's exit code, and record every process with its marks.
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

record locked-allocator -- "$TARGETS_DIR/target_locked_allocator"
grep -qx done locked-allocator.out || fail "the locked allocator's program did not finish: $(cat locked-allocator.out)"
(($(field allocations "$(totals locked-allocator.lrk)") >= 4000)) || fail "the locked allocator's mallocs were not recorded"
[[ $(field maps "$(totals locked-allocator.lrk)") != 0 ]] || fail "its mappings were not recorded"

record getattr -- "$HAZARDS" getattr-first
expect_marks getattr.lrk $((5 * MARK_COUNT))

children=150
for mode in fork-while-unwinding fork-while-walking; do
  record "$mode" --include-children -- "$HAZARDS" "$mode" "$children"
  expect_eq "$(ls "$mode".*.lrk | wc -l)" "$children" "child recordings of $mode"
  expect_marks "$mode.lrk" "$MARK_COUNT"
  for child in "$mode".*.lrk; do expect_marks "$child" "$MARK_COUNT"; done
done
# Process trees as shells make them: a forked child execs with an environment of its own
# making (one pid, one recording, complete), and a child that exec'd starts a grandchild
# with posix_spawn (recorded too, in a file of its own).
record own-environment --include-children -- "$HAZARDS" exec-with-own-environment
expect_eq "$(field children "$(totals own-environment.lrk)")" 1 "children listed for one child that exec'd"
expect_eq "$(ls own-environment.*.lrk | wc -l)" 1 "recordings of the child that exec'd"
expect_marks own-environment.*.lrk "$MARK_COUNT"
expect_eq "$(field complete "$(totals own-environment.*.lrk)")" 1 "the exec'd child's recording is complete"

record spawn-from-exec --include-children -- "$HAZARDS" spawn-from-exec
expect_eq "$(field children "$(totals spawn-from-exec.lrk)")" 2 "children listed for a child and a grandchild"
expect_eq "$(ls spawn-from-exec.*.lrk | wc -l)" 2 "recordings of the child and the grandchild"
found=0
for descendant in spawn-from-exec.*.lrk; do
  line=$(totals "$descendant" "$MARK_SIZE")
  expect_eq "$(field complete "$line")" 1 "$descendant is complete"
  [[ $(field live_of_size "$line") == "$MARK_COUNT" ]] && found=$((found + 1))
done
expect_eq "$found" 1 "descendant recordings that hold the grandchild's marks"
# A worker forked while leakrank is attached (a prefork server's reload) is not recorded:
# its malloc calls reach libc directly, not the hooks, for the rest of its life.
"$HAZARDS" fork-when-attached >service.out 2>service.err &
service=$!
for _ in $(seq 100); do
  grep -q "^serving pid" service.out && break
  sleep 0.05
done
"$LEAKRANK" attach "$service" --duration 1 -o attached.lrk >attach.out 2>attach.err ||
  fail "attach exited $?: $(cat attach.err)"
wait "$service" || fail "the service exited $? after forking its worker: $(cat service.err)"
grep -q "^worker malloc reaches .*libc" service.out || fail "a worker forked while attached: $(cat service.out)"
echo "run_hazards: ok"
