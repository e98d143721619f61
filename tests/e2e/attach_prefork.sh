# `leakrank attach` on a prefork server whose parent forks new workers while attached (a
# reload): the workers run natively from their first instruction, hold nothing of leakrank's
# but the library they inherited, and serve; the parent's recording is whole, and after the
# detach the parent and its workers keep serving and reloading.
source "$(dirname "$0")/lib.sh"
PREFORK=$TARGETS_DIR/target_prefork
WORKERS=3

mkdir state
: >prefork.out
setsid "$PREFORK" "$WORKERS" 2 "$PWD/state" >prefork.out 2>prefork.err &
server_pid=$!
trap 'kill -9 -- -$server_pid 2>/dev/null || true; rm -rf "$work"' EXIT

# wait_for WHAT COMMAND...: polls until COMMAND succeeds (10 s at most).
wait_for() {
  local what=$1
  shift
  for _ in $(seq 200); do
    "$@" && return 0
    sleep 0.05
  done
  fail "$what"
}
state_is() { [[ $(cat "state/$1" 2>/dev/null) == "$2" ]]; }
workers() { pgrep -P "$server_pid" | sort; }
worker_count_is() { [[ $(workers | wc -l) == "$1" ]]; }
# ask: one request; the answering worker says "pid PID hooked|native".
ask() {
  local reply
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  read -r reply <&3
  exec 3<&-
  echo "$reply"
}

wait_for "the server never started: $(cat prefork.err)" grep -q '^serving port' prefork.out
port=$(sed -n 's/^serving port \([0-9]*\) .*/\1/p' prefork.out)
wait_for "the first workers never started" worker_count_is "$WORKERS"
first_generation=$(workers)
[[ $(ask) == *native ]] || fail "a worker answered oddly before the attach"
# anonymous_kb PID: the size of its unnamed (and [heap]) mappings.
anonymous_kb() {
  awk '$6 == "" || $6 ~ /^\[(heap|anon)/ {split($1, r, "-"); kb += (("0x" r[2]) - ("0x" r[1])) / 1024}
       END {printf "%d", kb}' "/proc/$1/maps"
}
parent_before_kb=$(anonymous_kb "$server_pid")
paths_before=$(awk '$6 ~ /^\// {print $6}' "/proc/$server_pid/maps" | sort -u)

"$LEAKRANK" attach "$server_pid" --duration 60 -o prefork.lrk >attach.out 2>attach.err &
leakrank_pid=$!
wait_for "the parent's malloc slot never pointed at the hook: $(cat attach.err)" state_is parent hooked

# A reload while attached: the parent forks the new generation with its slot hooked.
kill -HUP "$server_pid"
wait_for "the reload never finished" grep -q '^2 ' state/generation
expect_eq "$(cat state/generation)" "2 forked_hooked" "the parent's slot when it forked the new workers"
# gone GENERATION: none of its workers is left, and the new ones are all there (an old worker
# may accept a request just before the reload stops it, and never answer).
gone() { [[ -z $(comm -12 <(workers) <(echo "$1")) ]] && worker_count_is "$WORKERS"; }
wait_for "the first generation of workers never left" gone "$first_generation"
second_generation=$(workers)
for worker in $second_generation; do
  wait_for "worker $worker never wrote its state" test -s "state/worker.$worker"
  expect_eq "$(cat "state/worker.$worker")" native "the malloc slot of worker $worker, forked while attached"
done
[[ $(ask) == *native ]] || fail "a worker forked while attached answered as hooked"

kill -INT "$leakrank_pid"
wait "$leakrank_pid" || fail "leakrank attach exited $?: $(cat attach.err)"
wait_for "the parent's malloc slot still points at the hook after the detach" state_is parent native
line=$(totals prefork.lrk)
expect_eq "$(field complete "$line")" 1 "the parent's recording has its end record"
expect_eq "$(field out_of_order "$line")" 0 "records out of time order in the parent's recording"
(($(field allocations "$line") > 100)) || fail "too few allocations recorded in the parent: $line"

# The zero-filled data of the libraries the attach loaded: the unnamed mapping right after one.
loaded_data_kb=$(awk -v before="$paths_before" '
  BEGIN { n = split(before, list, "\n"); for (i = 1; i <= n; ++i) old[list[i]] = 1 }
  { split($1, r, "-") }
  $6 == "" && r[1] == previous_end && previous_new { kb += (("0x" r[2]) - ("0x" r[1])) / 1024 }
  { previous_end = r[2]; previous_new = $6 ~ /^\// && !($6 in old) }
  END {printf "%d", kb}' "/proc/$server_pid/maps")
for worker in $second_generation; do
  expect_eq "$(cat "state/worker.$worker")" native "the malloc slot of worker $worker after the detach"
  grep -q '/dev/shm/leakrank' "/proc/$worker/maps" && fail "worker $worker still maps the parent's session"
  # A worker maps nothing itself: it holds what the parent held before the attach, the data
  # of the libraries the attach loaded, and what the loader took for loading them (a few
  # pages next to its own). A stack cache, stack table or ring left in it is 268 kB or more.
  extra_kb=$(($(anonymous_kb "$worker") - parent_before_kb - loaded_data_kb))
  ((extra_kb <= 64)) || fail "worker $worker holds $extra_kb kB of anonymous mappings more than the parent did before the attach, beyond the libraries' data"
  echo "attach_prefork: worker $worker (forked while attached): native, $extra_kb kB of anonymous mappings beyond" \
    "the parent's from before the attach and the libraries' data; $(grep RssAnon "/proc/$worker/status" | tr -s ' \t' ' ')"
done

# Everyone keeps serving: the workers answer, and the parent reloads again.
for _ in 1 2 3 4 5; do
  reply=$(ask)
  [[ $reply =~ ^pid\ ([0-9]+)\ native$ ]] || fail "unexpected answer after the detach: '$reply'"
  grep -qx "${BASH_REMATCH[1]}" <<<"$second_generation" || fail "answered by ${BASH_REMATCH[1]}, not a current worker"
done
kill -HUP "$server_pid"
wait_for "the reload after the detach never finished" grep -q '^3 ' state/generation
expect_eq "$(cat state/generation)" "3 forked_native" "the parent's slot at the reload after the detach"
wait_for "the second generation of workers never left" gone "$second_generation"
[[ $(ask) == *native ]] || fail "the third generation does not serve"
kill -0 "$server_pid" 2>/dev/null || fail "the server died: $(cat prefork.err)"
echo "attach_prefork: ok"
