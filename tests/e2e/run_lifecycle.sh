# Threads, signals, dlopen and every way of ending: the target behaves as without leakrank
# and the recording loses nothing (totals equal memcheck's on the same run).
source "$(dirname "$0")/lib.sh"

check_mode() {  # check_mode EXPECTED_EXIT MODE [ARGS...]   (PROGRAM: default lifecycle.c's)
  local expected=$1 program=${PROGRAM:-$LIFECYCLE}
  shift
  local status=0
  "$program" "$@" >native.out 2>/dev/null || status=$?
  expect_eq "$status" "$expected" "native exit code of mode $1"
  status=0
  "$LEAKRANK" run -o "$1.lrk" -- "$program" "$@" >recorded.out 2>recorded.err || status=$?
  expect_eq "$status" "$expected" "exit code under leakrank, mode $1"
  cmp -s native.out recorded.out || fail "stdout changed under leakrank, mode $1"
  line=$(totals "$1.lrk" "$MARK_SIZE")
  expect_eq "$(field live_of_size "$line")" "$MARK_COUNT" "leaked marker blocks, mode $1"
  expect_eq "$(field out_of_order "$line")" 0 "records out of time order, mode $1"
  expect_eq "$(field unmatched_frees "$line")" 0 "frees of unknown addresses, mode $1"
}

check_exact_totals() {  # check_exact_totals MODE THREADS: same counts as memcheck
  line=$(totals "$1.lrk")
  read -r allocs frees bytes <<<"$(valgrind_heap_usage "$LIFECYCLE" "$1")"
  expect_eq "$(field allocations "$line")" "$allocs" "allocations, mode $1"
  expect_eq "$(field frees "$line")" "$frees" "frees, mode $1"
  # glibc reuses the stacks (and DTVs) of joined threads: the extra bytes follow the
  # highest number of threads alive at once.
  expect_eq "$(field bytes "$line")" "$((bytes + $2 * DTV_BYTES_PER_THREAD))" "bytes, mode $1"
}

check_mode 0 threads
check_exact_totals threads 16
check_mode 0 signals
check_mode 0 allocator-api   # also checks calloc/reallocarray overflow still fail with ENOMEM
# Sampling asks before the real call, so it sees the size of a malloc that then fails.
status=0
timeout 60 "$LEAKRANK" run --sample-bytes 4KiB -o sampled.lrk -- "$LIFECYCLE" allocator-api >sampled.out 2>/dev/null ||
  status=$?
expect_eq "$status" 0 "exit code of allocator-api under sampling"
cmp -s native.out sampled.out || fail "stdout changed under sampling, mode allocator-api"
check_mode 6 exit-from-thread
check_mode 7 _exit
check_mode 134 abort
check_mode 0 exec   # execve keeps the pid: the new image records into the same file
PROGRAM=$TARGETS_DIR/target_uncaught check_mode 134 uncaught   # std::terminate, then abort

# dlopen/dlclose in a loop: the plugin's leaks are recorded and its frames symbolize.
check_mode 0 dlopen "$PLUGIN"
line=$(totals dlopen.lrk 1234)
expect_eq "$(field live_of_size "$line")" 4 "blocks leaked from inside the dlopen'ed plugin"
(($(field allocations "$line") >= 200)) || fail "plugin allocations missing: $line"
echo "run_lifecycle: ok"
