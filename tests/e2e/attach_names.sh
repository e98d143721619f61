# What `attach` names and checks before it touches a service: default file names safe to
# paste into a shell and never reused, -o refused before the service is hooked, the tool
# already tracing it named, and --sample-bytes as `run` takes it.
source "$(dirname "$0")/lib.sh"

# A retitled service, as redis ("redis-server *:6379") and nginx ("nginx: master process") are.
: >service.out
bash -c 'exec -a "svc *:80 (worker)" "$0" --serve --rate 2000' "$TOKENIZER" >service.out 2>service.err &
service_pid=$!
trap 'kill -9 $service_pid 2>/dev/null || true; rm -rf "$work"' EXIT
wait_until_serving service
hooked() { grep -q libleakrank "/proc/$service_pid/maps"; }

# -o in a folder that does not exist: refused, and the service was never touched.
status=0
"$LEAKRANK" attach "$service_pid" --duration 0.2 -o missing/run.lrk 2>refusal.err || status=$?
expect_eq "$status" 2 "exit code for an -o that cannot be written"
grep -q "^leakrank: cannot write recordings in missing" refusal.err || fail "unclear refusal: $(cat refusal.err)"
! hooked || fail "the service was hooked although -o could not be written"

# Default names: the first word of the title, and a second attach keeps the first recording.
for attempt in 1 2; do
  "$LEAKRANK" attach "$service_pid" --duration 0.3 >"attach$attempt.out" 2>"attach$attempt.err" ||
    fail "attach $attempt exited $?: $(cat "attach$attempt.err")"
done
first=leakrank.svc.$service_pid.lrk
second=leakrank.svc.$service_pid.2.lrk
[[ -s $first && -s $second ]] || fail "expected $first and $second, found: $(ls)"
# The `next:` line pastes: the report it names runs as printed.
next=$(grep -o 'leakrank report [^ |]*' attach2.err | tail -1)
expect_eq "$next" "leakrank report $second" "the next: line"
eval "\"\$LEAKRANK\" ${next#leakrank }" >/dev/null || fail "the printed next: command failed: $next"

# -o with a space: the next: line quotes it.
"$LEAKRANK" attach "$service_pid" --duration 0.2 -o "with space.lrk" >/dev/null 2>quoted.err ||
  fail "attach -o 'with space.lrk' exited $?: $(cat quoted.err)"
grep -q "report 'with space.lrk'" quoted.err || fail "the next: line does not quote the path: $(cat quoted.err)"

# --sample-bytes: the recording says it is sampled, and the report estimates.
"$LEAKRANK" attach "$service_pid" --duration 0.5 --sample-bytes 64KiB -o sampled.lrk >/dev/null 2>sampled.err ||
  fail "attach --sample-bytes exited $?: $(cat sampled.err)"
expect_eq "$("$LEAKRANK" report sampled.lrk --format json | jq .estimated)" true "a sampled attach's report is an estimate"
status=0
"$LEAKRANK" attach "$service_pid" --sample-bytes lots 2>refusal.err || status=$?
expect_eq "$status" 2 "exit code for a bad --sample-bytes"

# Another tracer: the refusal names it rather than guessing.
if command -v strace >/dev/null; then
  strace -p "$service_pid" -o /dev/null 2>/dev/null &
  tracer=$!
  for _ in $(seq 100); do
    [[ $(awk '/^TracerPid:/ {print $2}' "/proc/$service_pid/status") == "$tracer" ]] && break
    sleep 0.05
  done
  status=0
  "$LEAKRANK" attach "$service_pid" --duration 0.2 -o traced.lrk 2>refusal.err || status=$?
  kill "$tracer"
  wait "$tracer" 2>/dev/null || true
  expect_eq "$status" 2 "exit code for a service another tool traces"
  grep -q "already traced by pid $tracer (strace)" refusal.err || fail "unclear refusal: $(cat refusal.err)"
fi

kill -0 "$service_pid" || fail "the service died"
echo "attach_names: ok"
