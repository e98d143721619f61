# Unusual targets: out of memory, every descriptor closed, new sessions, their own
# LD_PRELOAD, static and setuid binaries. leakrank must never break them, and what it
# recorded before the end must stay readable, and what could not be recorded is said.
source "$(dirname "$0")/lib.sh"
ROBUST=$TARGETS_DIR/target_robust

# run_target NAME [RUN OPTIONS] -- CMD...: records into NAME.lrk; sets $status.
run_target() {
  local name=$1
  shift
  status=0
  timeout 120 "$LEAKRANK" run -o "$name.lrk" "$@" >"$name.out" 2>"$name.err" || status=$?
  ((status != 124)) || fail "$name: leakrank run did not finish"
}

# expect_status NAME EXPECTED WHAT: on a mismatch, what the run printed says why.
expect_status() {
  [[ $status == "$2" ]] || fail "$3: expected '$2', got '$status'; it printed: $(tail -n 20 "$1.out" "$1.err")"
}

# Out of memory under ulimit -v: malloc returns NULL and the target aborts. The limit is
# set in a shell that execs the target, so the recorder itself is not limited.
run_target oom-ulimit -- sh -c 'ulimit -v 300000 && exec "$0" oom' "$ROBUST"
expect_status oom-ulimit 134 "exit code of a target that aborts when malloc fails"
grep -q "malloc failed" oom-ulimit.out || fail "the target never ran out of memory under ulimit -v"
line=$(totals oom-ulimit.lrk "$MARK_SIZE")
expect_eq "$(field live_of_size "$line")" "$MARK_COUNT" "marks recorded before the out-of-memory abort"
"$LEAKRANK" report oom-ulimit.lrk >/dev/null || fail "report of an out-of-memory recording"

# OOM-killed by a memory cgroup (v2, else v1), when this machine lets us make one.
cgroup=""
for parent in /sys/fs/cgroup /sys/fs/cgroup/memory; do
  mkdir "$parent/leakrank-oom-$$" 2>/dev/null || continue
  if [[ -e $parent/leakrank-oom-$$/memory.max || -e $parent/leakrank-oom-$$/memory.limit_in_bytes ]]; then
    cgroup=$parent/leakrank-oom-$$
    break
  fi
  rmdir "$parent/leakrank-oom-$$"
done
if [[ -n $cgroup ]]; then
  trap 'rmdir "$cgroup" 2>/dev/null; rm -rf "$work"' EXIT
  limit=$((64 << 20))
  if [[ -e $cgroup/memory.max ]]; then
    echo "$limit" >"$cgroup/memory.max"
    echo 0 >"$cgroup/memory.swap.max" 2>/dev/null || true
  else
    echo "$limit" >"$cgroup/memory.limit_in_bytes"
    echo "$limit" >"$cgroup/memory.memsw.limit_in_bytes" 2>/dev/null || true
  fi
  run_target oom-kill -- sh -c 'echo $$ >"$1/cgroup.procs" && exec "$0" oom' "$ROBUST" "$cgroup"
  expect_status oom-kill 137 "exit code of an OOM-killed target"
  line=$(totals oom-kill.lrk "$MARK_SIZE")
  expect_eq "$(field live_of_size "$line")" "$MARK_COUNT" "marks recorded before the OOM kill"
  expect_eq "$(field wait_status "$line")" 9 "wait status of an OOM-killed target"
  "$LEAKRANK" report oom-kill.lrk >/dev/null || fail "report of an OOM-killed recording"
else
  echo "robustness_targets: no memory cgroup to make here; OOM kill not tested" >&2
fi

# Closes every descriptor (0, 1 and 2 too), then allocates on a new thread.
run_target closefds -- "$ROBUST" closefds
expect_status closefds 0 "exit code after closing every descriptor"
line=$(totals closefds.lrk "$MARK_SIZE")
expect_eq "$(field live_of_size "$line")" $((2 * MARK_COUNT)) "marks before and after closing every descriptor"

# setsid for itself and for a forked child, followed with --include-children.
run_target setsid --include-children -- "$ROBUST" setsid
expect_status setsid 0 "exit code of a target that calls setsid"
line=$(totals setsid.lrk "$MARK_SIZE")
expect_eq "$(field live_of_size "$line")" "$MARK_COUNT" "marks of the setsid target"
children=(setsid.*.lrk)
expect_eq "${#children[@]}" 1 "recordings of the setsid child"
line=$(totals "${children[0]}" "$MARK_SIZE")
expect_eq "$(field live_of_size "$line")" "$MARK_COUNT" "marks of the child in its own session"

# A target that sets LD_PRELOAD for a child it execs: appended, replaced, removed. The
# child must run as it would without leakrank; appended, it is still recorded.
for how in append replace unset; do
  run_target "preload-$how" --include-children -- "$ROBUST" preload-child "$how" "$PLUGIN"
  expect_status "preload-$how" 0 "exit code with LD_PRELOAD $how for the child"
  grep -q "leaf done" "preload-$how.out" || fail "the child did not run with LD_PRELOAD $how"
  line=$(totals "preload-$how.lrk" "$MARK_SIZE")
  expect_eq "$(field live_of_size "$line")" "$MARK_COUNT" "parent's marks with LD_PRELOAD $how"
  child_marks=0
  for child in preload-"$how".*.lrk; do
    [[ -e $child ]] || continue
    child_marks=$(field live_of_size "$(totals "$child" "$MARK_SIZE")")
  done
  if [[ $how == append ]]; then
    expect_eq "$child_marks" "$MARK_COUNT" "child's marks with leakrank's LD_PRELOAD kept"
  elif ! grep -qi "nothing.*recorded\|not recorded\|LD_PRELOAD" "preload-$how.err"; then
    fail "LD_PRELOAD $how for a child: its recording is silently empty"
  fi
done

# A static binary: LD_PRELOAD cannot reach it. It must run unharmed; leakrank should
# refuse or say that nothing could be recorded.
if cc -static -O1 -o static_robust "$SOURCE_DIR/tests/targets/robust.c" -lpthread 2>/dev/null; then
  run_target static -- ./static_robust leaf
  if ((status == 0)); then
    grep -q "leaf done" static.out || fail "the static binary did not run"
    expect_eq "$(field allocations "$(totals static.lrk)")" 0 "allocations recorded from a static binary"
    grep -qi "statically linked\|nothing.*recorded\|not recorded" static.err ||
      fail "static binary: no warning that nothing could be recorded"
  else
    grep -qi "statically linked" static.err || fail "static binary refused without saying why: $(cat static.err)"
  fi
else
  echo "robustness_targets: no static libc here; static binary not tested" >&2
fi

# A setuid binary: the loader ignores LD_PRELOAD in secure mode. It must run with its
# privileges intact, unprofiled; leakrank should say so.
if [[ $(id -u) == 0 ]] && id nobody >/dev/null 2>&1; then
  cp "$ROBUST" setuid_robust
  chown nobody setuid_robust && chmod 4755 setuid_robust
  run_target setuid -- ./setuid_robust leaf
  if ((status == 0)); then
    grep -q "leaf done" setuid.out || fail "the setuid binary did not run"
    expect_eq "$(field allocations "$(totals setuid.lrk)")" 0 "allocations recorded from a setuid binary"
    grep -qi "set-user-id\|setuid binar\|secure mode\|nothing.*recorded\|not recorded" setuid.err ||
      fail "setuid binary: no warning that nothing could be recorded"
    # Its privileges are its own: the set-user-ID bit still takes effect under leakrank.
    "$LEAKRANK" run -o euid.lrk -- ./setuid_robust euid >euid.out 2>/dev/null || fail "setuid euid run"
    expect_eq "$(cat euid.out)" "euid=$(id -u nobody)" "effective uid of a setuid target under leakrank"
  else
    grep -qi "set-user-id\|setuid binar\|secure mode" setuid.err || fail "setuid binary refused without saying why"
  fi
fi

echo "robustness_targets: ok"
