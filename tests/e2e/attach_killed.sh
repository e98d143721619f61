# `leakrank attach` killed with SIGKILL at random instants, during the injected calls, the
# recording and the detach: the service never crashes, its library notices the recorder is
# gone and puts its GOT back by itself, and a new attach then works.
source "$(dirname "$0")/lib.sh"
PROBE=$TARGETS_DIR/target_attach_probe
TRIES=${ATTACH_KILL_TRIES:-50}

"$PROBE" 4 "$PWD/probe.state" >probe.out 2>probe.err &
service_pid=$!
for _ in $(seq 100); do
  grep -q '^serving pid' probe.out && [[ -s probe.state ]] && break
  sleep 0.05
done
trap 'kill -9 $service_pid 2>/dev/null || true; rm -rf "$work"' EXIT

# The probe rewrites probe.state ("hooked"/"native") whenever its malloc GOT slot changes.
wait_until_native() {
  for _ in $(seq 200); do
    [[ $(cat probe.state) == native ]] && return 0
    sleep 0.05
  done
  fail "try $1: the service's malloc slot still points at leakrank's hook 10 s after leakrank was killed"
}

for try in $(seq "$TRIES"); do
  "$LEAKRANK" attach "$service_pid" --duration 0.1 -o "killed.$try.lrk" >/dev/null 2>&1 &
  leakrank_pid=$!
  # 0-249 ms: before, during and after the attach pause, while recording, and around the
  # detach (leakrank starts in a few ms, attaches in 5-100, detaches 100 ms later).
  sleep "$(printf '0.%03d' $((RANDOM % 250)))"
  kill -9 "$leakrank_pid" 2>/dev/null || true
  wait "$leakrank_pid" 2>/dev/null || true
  kill -0 "$service_pid" 2>/dev/null || fail "try $try: the service died: $(cat probe.err)"
  wait_until_native "$try"
done

"$LEAKRANK" attach "$service_pid" --duration 0.5 -o final.lrk >attach.out 2>attach.err ||
  fail "attach after $TRIES killed ones exited $?: $(cat attach.err)"
line=$(totals final.lrk)
(($(field allocations "$line") > 1000)) || fail "too few allocations recorded after the kills: $line"
wait_until_native final
shmem=$(awk '/^RssShmem:/ {print $2}' "/proc/$service_pid/status")
((shmem < 1024)) || fail "the service still holds ${shmem} kB of leakrank's shared memory"
leftover=$(ls /dev/shm | grep -c '^leakrank-' || true)
echo "attach_killed: $TRIES kills, service alive and native; $leftover session segments left in /dev/shm"
