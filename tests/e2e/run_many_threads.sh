# More threads than the session has rings of their own: rounds of 150 alive at once, a
# thousand at once, thousands that come and go. Nothing is lost, and no thread leaves its
# stack cache behind. What an event costs with 60 and with 300 threads is printed, side by
# side with the same runs without leakrank; never asserted, since the machine may be shared.
source "$(dirname "$0")/lib.sh"
MANY_THREADS=$TARGETS_DIR/target_many_threads
THREAD_MARK_SIZE=2345  # many_threads.c: every block a worker allocates
STACK_CACHE_KB=268     # what preload/stack_capture.cpp maps for each thread that records

# record NAME ARGS...: many_threads ARGS under leakrank, into NAME.lrk and NAME.out.
record() {
  local name=$1 status=0
  shift
  timeout 240 "$LEAKRANK" run -o "$name.lrk" -- "$MANY_THREADS" "$@" >"$name.out" 2>"$name.err" || status=$?
  expect_eq "$status" 0 "exit code of many_threads $* under leakrank ($(tail -n 3 "$name.err"))"
}

# check_exact NAME: the recording holds every block the workers allocated, and the one each leaked.
check_exact() {
  local said line
  said=$(grep marked_allocations "$1.out")
  line=$(totals "$1.lrk" "$THREAD_MARK_SIZE")
  expect_eq "$(field allocs_of_size "$line")" "$(field marked_allocations "$said")" "workers' allocations, $1"
  expect_eq "$(field live_of_size "$line")" "$(field leaked "$said")" "blocks the workers leaked, $1"
  expect_eq "$(field unmatched_frees "$line")" 0 "frees of unknown addresses, $1"
  expect_eq "$(field out_of_order "$line")" 0 "records out of time order, $1"
  expect_eq "$(field complete "$line")" 1 "end record, $1"
}

# check_no_growth NAME ROUNDS THREADS FIELD: between the first round and the last, the
# target's FIELD (KiB) grew by less than a quarter of one round's stack caches, beyond the
# blocks the workers leak on purpose. Each thread that kept its cache would add 268 KiB.
check_no_growth() {
  local name=$1 rounds=$2 threads=$3 what=$4 first last leaked_kb
  first=$(field "$what" "$(grep '^round=1 ' "$name.out")")
  last=$(field "$what" "$(grep "^round=$rounds " "$name.out")")
  leaked_kb=$(((rounds - 1) * threads * THREAD_MARK_SIZE / 1024))
  echo "run_many_threads: $what ${first} KiB after round 1, ${last} KiB after round $rounds" \
    "(the workers leaked $leaked_kb KiB in between)"
  (((last - first) - leaked_kb < threads * STACK_CACHE_KB / 4)) ||
    fail "$what grew from $first to $last KiB over $rounds rounds of $threads threads: threads leave memory behind"
}

record rounds rounds 20 150
check_exact rounds
check_no_growth rounds 20 150 vm_kb
check_no_growth rounds 20 150 anon_kb

record alive rounds 1 1000
check_exact alive

record short-lived short-lived 20000
check_exact short-lived

# cost_of THREADS: sets recorded and native, the workers' CPU time per event in ns.
cost_of() {
  local pairs=8000000
  record "cost$1" cost "$1" "$pairs"
  check_exact "cost$1"
  recorded=$(field cpu_ns_per_event "$(cat "cost$1.out")")
  native=$(field cpu_ns_per_event "$("$MANY_THREADS" cost "$1" "$pairs")")
}
cost_of 60
recorded60=$recorded native60=$native
cost_of 300
recorded300=$recorded native300=$native
awk -v r60="$recorded60" -v n60="$native60" -v r300="$recorded300" -v n300="$native300" 'BEGIN {
  printf "run_many_threads: CPU ns per event, 60 threads: %s under leakrank, %s without\n", r60, n60
  printf "run_many_threads: CPU ns per event, 300 threads: %s under leakrank, %s without\n", r300, n300
  printf "run_many_threads: 300 threads / 60 threads: %.2f under leakrank, %.2f without; leakrank'\''s share %.2f\n",
         r300 / r60, n300 / n60, (r300 - n300) / (r60 - n60)
}'
echo "run_many_threads: ok"
