# `leakrank attach` on a running service: it records what grows, then leaves the service
# running and serving; repeated attach/detach never harms it; refusals exit 2 with a reason.
source "$(dirname "$0")/lib.sh"

# serve NAME [ARGS...]: starts the tokenizer service; sets $service_pid once it serves.
serve() {
  local name=$1
  shift
  : >"$name.out"  # the background job opens it later: sed below must find it under set -e
  "$TOKENIZER" --serve "$@" >"$name.out" 2>"$name.err" &
  for _ in $(seq 100); do
    service_pid=$(sed -n 's/^serving pid \([0-9]*\)$/\1/p' "$name.out")
    [[ -n "$service_pid" ]] && return 0
    sleep 0.05
  done
  fail "$name never started serving"
}

# stop_service NAME PID: SIGTERM, then the service must exit 0 and print its summary.
stop_service() {
  kill -TERM "$2"
  wait "$2" || fail "$1 exited $? after SIGTERM, not 0"
  grep -q '^docs=' "$1.out" || fail "$1 printed no summary"
}

docs_of() { sed -n 's/^docs=\([0-9]*\).*/\1/p' "$1.out"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # utime + stime

# The service leaks through StringStore::intern; attach finds it.
serve single --rate 3000
started=$SECONDS
"$LEAKRANK" attach "$service_pid" --duration 3 -o single.lrk >attach.out 2>attach.err ||
  fail "attach exited $?: $(cat attach.err)"
detached_rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$service_pid/status")
[[ -s single.lrk ]] || fail "no recording written"
grep -q "attach paused pid $service_pid" attach.err || fail "the attach pause is not reported: $(cat attach.err)"
grep -q "detached; pid $service_pid paused" attach.err || fail "the detach is not reported: $(cat attach.err)"
grep "paused" attach.err
line=$(totals single.lrk)
(($(field allocations "$line") > 1000)) || fail "too few allocations recorded: $line"
expect_eq "$(field complete "$line")" 1 "end record"
expect_eq "$(field out_of_order "$line")" 0 "records out of time order"

if "$LEAKRANK" report --help >/dev/null 2>&1; then
  "$LEAKRANK" report single.lrk --format json >report.json || fail "report failed on an attached recording"
  first=$(jq -r '.sites[0] | "\(.verdict) \(.function)"' report.json)
  [[ "$first" == "growing StringStore::intern"* ]] || fail "first site is '$first', not a growing StringStore::intern"
else
  echo "attach: SKIP the ranking check: this leakrank has no report verb yet"
fi

# Detached: the service keeps serving and holds no leakrank memory.
sleep 0.5
kill -0 "$service_pid" 2>/dev/null || fail "the service died after detach"
shmem=$(awk '/^RssShmem:/ {print $2}' "/proc/$service_pid/status")
((shmem < 1024)) || fail "the service still holds ${shmem} kB of leakrank's shared memory after detach"
# The recorded RSS was the service's own: not the rings it had mapped (4 MiB, measured), so
# never above what it holds once they are gone (read at once: the service keeps growing).
peak_kb=$(($("$LEAKRANK" report single.lrk --format json | jq .peak_rss_bytes) / 1024))
((peak_kb <= detached_rss_kb + 1024)) ||
  fail "recorded peak RSS ${peak_kb} kB is above the ${detached_rss_kb} kB the service holds alone"

# Twenty attach/detach cycles in a row on the same service.
for cycle in $(seq 20); do
  timeout 30 "$LEAKRANK" attach "$service_pid" --duration 0.2 -o "cycle$cycle.lrk" >/dev/null 2>cycle.err ||
    fail "attach cycle $cycle exited $?: $(cat cycle.err)"
  kill -0 "$service_pid" 2>/dev/null || fail "the service died in attach cycle $cycle"
done
# It is still processing after the last detach: it uses CPU, and its own count at SIGTERM
# is near the rate it was given (recording slows it while attached, a loaded machine too).
busy_before=$(cpu_ticks "$service_pid")
sleep 1
(($(cpu_ticks "$service_pid") > busy_before)) || fail "the service does no work after detach"
stop_service single "$service_pid"
elapsed=$((SECONDS - started))
docs=$(docs_of single)
echo "attach: the service processed $docs documents in ${elapsed} s at --rate 3000"
((docs > elapsed * 3000 / 4)) || fail "the service processed $docs documents in ${elapsed} s at 3000/s: it stalled"

# Four worker threads.
serve threads --rate 3000 --threads 4
"$LEAKRANK" attach "$service_pid" --duration 2 -o threads.lrk >/dev/null 2>threads_attach.err ||
  fail "attach to a 4-thread service exited $?: $(cat threads_attach.err)"
line=$(totals threads.lrk)
(($(field allocations "$line") > 1000)) || fail "too few allocations recorded from 4 threads: $line"
stop_service threads "$service_pid"

# Refusals: exit 2 and one line that says why.
/bin/true &  # a pid that just ended (a killed background subshell would run lib.sh's EXIT trap)
gone=$!
wait "$gone"
status=0
"$LEAKRANK" attach "$gone" --duration 1 2>refusal.err || status=$?
expect_eq "$status" 2 "exit code for a pid that does not exist"
grep -q "no such process: $gone" refusal.err || fail "unclear refusal: $(cat refusal.err)"

: >recorded.out
"$LEAKRANK" run -o recorded.lrk -- "$TOKENIZER" --serve --rate 1000 >recorded.out 2>recorded.err &
runner=$!
for _ in $(seq 100); do
  recorded_pid=$(sed -n 's/^serving pid \([0-9]*\)$/\1/p' recorded.out)
  [[ -n "$recorded_pid" ]] && break
  sleep 0.05
done
[[ -n "$recorded_pid" ]] || fail "the service under leakrank run never started"
status=0
"$LEAKRANK" attach "$recorded_pid" --duration 1 2>refusal.err || status=$?
expect_eq "$status" 2 "exit code for a process leakrank already records"
grep -q "already being recorded" refusal.err || fail "unclear refusal: $(cat refusal.err)"
kill -TERM "$runner"
wait "$runner" || fail "leakrank run of the service exited $? after the refused attach"

# A user may attach only where ptrace would let them: nobody may not trace root's service.
# (Copies of leakrank in a folder nobody can reach, as the build may sit under /root.)
if [[ $(id -u) == 0 ]] && command -v setpriv >/dev/null; then
  serve privileged --rate 100
  tools=$(mktemp -d)
  chmod 755 "$tools"
  cp "$LEAKRANK" "$BUILD_DIR/libleakrank.so" "$tools/"
  status=0
  (cd "$tools" && setpriv --reuid=nobody --regid=nogroup --clear-groups ./leakrank attach "$service_pid" \
    --duration 1) 2>refusal.err || status=$?
  rm -rf "$tools"
  expect_eq "$status" 2 "exit code for a process the user may not trace"
  grep -q "not permitted to trace pid $service_pid: it belongs to uid 0" refusal.err ||
    fail "unclear refusal: $(cat refusal.err)"
  stop_service privileged "$service_pid"
else
  echo "attach: not root, so the refusal for another user's process is not tested" >&2
fi

echo "attach: ok"
