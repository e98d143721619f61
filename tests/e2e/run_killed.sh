# A target killed with SIGKILL, or the recorder itself killed, leaves a readable recording;
# a recorder killed with its janitor leaves a session name the next run removes.
source "$(dirname "$0")/lib.sh"
# Targets that outlive their recorder sleep until killed: a failed check must not leave them.
survivors=()
trap 'kill -KILL "${survivors[@]}" 2>/dev/null; rm -rf "$work"' EXIT

"$LEAKRANK" run -o killed.lrk -- "$LIFECYCLE" sleep >out 2>err &
recorder=$!
for _ in $(seq 100); do grep -q sleeping out 2>/dev/null && break; sleep 0.1; done
target=$(pgrep -P "$recorder" -f target_lifecycle) || fail "target not found"
sleep 0.5
kill -KILL "$target"
status=0
wait "$recorder" || status=$?
expect_eq "$status" 137 "run's exit code for a SIGKILLed target"
line=$(totals killed.lrk "$MARK_SIZE")
expect_eq "$(field complete "$line")" 1 "end record after SIGKILL"
expect_eq "$(field live_of_size "$line")" "$MARK_COUNT" "leaks recorded before SIGKILL"
expect_eq "$(field wait_status "$line")" 9 "wait status in the recording"

# The recorder killed too: whatever was flushed stays readable, with a warning at most.
"$LEAKRANK" run -o recorder-killed.lrk -- "$LIFECYCLE" sleep >out2 2>err2 &
recorder=$!
for _ in $(seq 100); do grep -q sleeping out2 2>/dev/null && break; sleep 0.1; done
sleep 1.5
target=$(pgrep -P "$recorder" -f target_lifecycle) || fail "target not found"
survivors+=("$target")
kill -KILL "$recorder"
wait "$recorder" || true
line=$(totals recorder-killed.lrk)
expect_eq "$(field complete "$line")" 0 "a killed recorder cannot write the end record"
(($(field allocations "$line") > 0)) || fail "nothing readable after the recorder was killed: $line"
# With its recorder gone, the target must not hang on a full ring: it keeps running.
sleep 2
kill -0 "$target" 2>/dev/null || fail "the target died when its recorder was killed"
kill -TERM "$target"

# The recorder and its janitor killed at once (killall -9 leakrank): the session's name, and
# the rings' pages with it, would stay in /dev/shm for good; the next run removes it.
"$LEAKRANK" run -o with-janitor.lrk -- "$LIFECYCLE" sleep >out3 2>err3 &
recorder=$!
for _ in $(seq 100); do grep -q sleeping out3 2>/dev/null && break; sleep 0.1; done
target=$(pgrep -P "$recorder" -f target_lifecycle) || fail "target not found"
survivors+=("$target")
session=$(tr '\0' '\n' <"/proc/$target/environ" | sed -n 's/^LEAKRANK_SESSION=//p')
[[ -n $session && -e /dev/shm$session ]] || fail "no session in /dev/shm for the target: '$session'"
leakranks=$(pgrep -f "run -o with-janitor.lrk") || fail "recorder not found"
(($(wc -w <<<"$leakranks") == 2)) || fail "not a recorder and a janitor: $leakranks"
kill -KILL $leakranks
wait "$recorder" || true
for pid in $leakranks; do
  wait_for_exit() { ! kill -0 "$pid" 2>/dev/null; }
  for _ in $(seq 50); do wait_for_exit && break; sleep 0.05; done
  wait_for_exit || fail "leakrank process $pid outlived SIGKILL"
done
# Nothing else removes the name now (the target sleeps): the next run does, or a test's run
# alongside this one.
"$LEAKRANK" run -q -o next.lrk -- "$LIFECYCLE" leaf >/dev/null 2>&1 || fail "the next run failed"
[[ ! -e /dev/shm$session ]] || fail "the next run left the dead recorder's session $session"
kill -TERM "$target"
echo "run_killed: ok"
