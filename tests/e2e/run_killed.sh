# A target killed with SIGKILL, or the recorder itself killed, leaves a readable recording.
source "$(dirname "$0")/lib.sh"

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
kill -KILL "$recorder"
wait "$recorder" || true
line=$(totals recorder-killed.lrk)
expect_eq "$(field complete "$line")" 0 "a killed recorder cannot write the end record"
(($(field allocations "$line") > 0)) || fail "nothing readable after the recorder was killed: $line"
# With its recorder gone, the target must not hang on a full ring: it keeps running.
sleep 2
kill -0 "$target" 2>/dev/null || fail "the target died when its recorder was killed"
kill -TERM "$target"
echo "run_killed: ok"
