# The Python sample (samples/pyservice): an HTTP service whose C tokenizer interns every
# token. Recorded from start to exit, and attached to while a client posts, the token store's
# site ranks first as growing, with the Python line that calls the tokenizer in its stack; the
# service's bounded LRU is a plateau; with --reload-every the store stays small.
source "$(dirname "$0")/lib.sh"
: "${PYSERVICE:?set by CTest}"
PYTHON=/usr/bin/python3  # Debian's 3.11, the one the extension is built for
[[ -x $PYTHON ]] || fail "no $PYTHON: scripts/setup installs it"
REQUESTS=2000
TOP=50  # every site of a run is 80 MB of JSON: the interpreter's start-up makes thousands

started_pids=()  # a failed check must not leave the service or its client running
trap 'kill "${started_pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT

caller_line=$(sample_line 'self._tokenizer.tokenize(text)' document_service.py)
lru_line=$(sample_line 'tuple(token_ids)' recent_documents.py)

# site_of NAME FUNCTION: the JSON of NAME's largest site in FUNCTION among the first $TOP ('null': none).
site_of() { jq -c --arg function "$2" '[.sites[] | select(.function == $function)] | max_by(.peak_bytes)' "$1.json"; }

# expect_store_first NAME: NAME's first site is the token store, growing, called by the Python line.
expect_store_first() {
  "$LEAKRANK" report "$1.lrk" --format json --top $TOP >"$1.json" || fail "report $1"
  local first caller
  first=$(jq -r '.sites[0] | "\(.verdict) \(.function) \(.file | split("/") | last)"' "$1.json")
  [[ $first == "growing token_store_intern token_store.c" ]] || fail "$1: first site is '$first'"
  # The extension's C frames, then the Python frame that called into it.
  caller=$(python_caller_of "$1.json" Tokenizer_tokenize)
  [[ $caller == "DocumentService.handle document_service.py:$caller_line" ]] ||
    fail "$1: the tokenizer's Python caller is '$caller': $(jq -c '[.sites[0].frames[] | [.kind, .function]]' "$1.json")"
}

# 1. A whole run, finalization included: the store grew until the end, then was freed.
"$LEAKRANK" run -o whole.lrk -- "$PYTHON" "$PYSERVICE" --requests $REQUESTS >whole.out 2>whole.err ||
  fail "run: $(cat whole.err)"
grep -q "^requests=$REQUESTS " whole.out || fail "the service did not answer every request: $(cat whole.out)"
expect_store_first whole
[[ $(jq .teardown_start_s whole.json) != null ]] || fail "no teardown found: the exit freed the store"
[[ $(jq '.sites[0].released_at_exit' whole.json) == true ]] || fail "the store is not marked as released at exit"
lru=$(site_of whole RecentDocuments.remember)
[[ $(jq -r '"\(.verdict) \(.line)"' <<<"$lru") == "plateau $lru_line" ]] || fail "the LRU's site: $lru"

# 2. attach to a service while a client posts to it.
: >served.out  # the background job opens it later: sed below must find it under set -e
"$PYTHON" "$PYSERVICE" --serve 0 >served.out 2>served.err &
started_pids+=($!)
service_pid=$!
for _ in $(seq 100); do
  port=$(sed -n 's/^serving pid [0-9]* port \([0-9]*\)$/\1/p' served.out)
  [[ -n $port ]] && break
  sleep 0.05
done
[[ -n $port ]] || fail "the service never started serving: $(cat served.err)"
"$PYTHON" "$PYSERVICE" --load "$port" >client.out 2>client.err &
started_pids+=($!)
client_pid=$!
"$LEAKRANK" attach "$service_pid" --duration 3 -o attached.lrk >attach.out 2>attach.err ||
  fail "attach exited $?: $(cat attach.err)"
kill -TERM "$client_pid"
wait "$client_pid" || fail "the client exited $?: $(cat client.err)"
kill -TERM "$service_pid"
wait "$service_pid" || fail "the service exited $? after SIGTERM: $(cat served.err)"
grep -q '^requests=[1-9]' served.out || fail "the service handled nothing: $(cat served.out)"
expect_store_first attached

# 3. The fix: a new tokenizer every 150 requests. Whether a sawtooth is judged 'growing' depends
# on where the run's last tooth ends (today's verdicts called it growing in 1 run of 3), so the
# check is on bytes: the store never held a quarter of what it held at the end without reloads.
# (150 leaves a partial last tooth: an empty store at the end would be 'freed', ranked last.)
"$LEAKRANK" run -o reloaded.lrk -- "$PYTHON" "$PYSERVICE" --requests $REQUESTS --reload-every 150 \
  >reloaded.out 2>reloaded.err || fail "run with reloads: $(cat reloaded.err)"
grep -q "reloads=$((REQUESTS / 150))$" reloaded.out || fail "the tokenizer was not reloaded: $(cat reloaded.out)"
# Every site: with reloads the store holds one partial tooth at the end, which may rank past
# the first $TOP among the interpreter's start-up sites.
"$LEAKRANK" report reloaded.lrk --format json --top 0 >reloaded.json || fail "report reloaded"
leaking_peak=$(jq '.sites[0].peak_bytes' whole.json)
reloaded_peak=$(site_of reloaded token_store_intern | jq .peak_bytes)
((reloaded_peak > 0 && reloaded_peak * 4 < leaking_peak)) ||
  fail "with reloads the store peaked at $reloaded_peak bytes, without at $leaking_peak"
echo "pyservice: the store peaked at $leaking_peak bytes without reloads, at $reloaded_peak with"
echo "pyservice: ok"
