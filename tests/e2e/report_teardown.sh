# Clean shutdown: a program that frees all it built on its way out (C++ destructors, Python's
# finalization) is judged on the run before its teardown, so the site that grew all run is
# ranked first as growing, marked as released at exit, and the suggested diff stops before
# the teardown.
source "$(dirname "$0")/lib.sh"

# expect_grew_until_exit NAME FUNCTION: the recording's first site grew and was released at exit.
expect_grew_until_exit() {
  "$LEAKRANK" report "$1.lrk" --format json >"$1.json" || fail "report of $1"
  [[ $(jq '.teardown_start_s != null' "$1.json") == true ]] || fail "$1: no teardown found"
  local first
  first=$(jq -r '.sites[0] | "\(.verdict) \(.released_at_exit) \(.function)"' "$1.json")
  [[ $first == "growing true $2"* ]] || fail "$1: first site is '$first', not growing and released at exit: $2"
}

"$LEAKRANK" run -o raii.lrk -- "$TARGETS_DIR/target_teardown" >raii.out 2>&1 || fail "run: $(cat raii.out)"
expect_grew_until_exit raii "Registry::add"
grep -q "Registry::add.*(released at exit)" raii.out || fail "the run summary does not name the registry: $(cat raii.out)"
# The diff the report suggests compares instants before the teardown: the registry grew there.
diff_command=$("$LEAKRANK" report raii.lrk | sed -n 's/.*\(leakrank diff .*\)$/\1/p')
[[ $diff_command != *@end* ]] || fail "the suggested diff ends after the teardown: $diff_command"
to=${diff_command##* }
"$LEAKRANK" diff raii.lrk@0s "$to" --format json >diff.json || fail "$diff_command"
[[ $(jq -r '.sites[0].function' diff.json) == Registry::add* ]] || fail "the diff before the teardown: $(head -c 400 diff.json)"

# Python's finalization frees every object; with PYTHONMALLOC=malloc leakrank sees each one.
if [[ -x /usr/bin/python3 ]]; then
  PYTHONMALLOC=malloc "$LEAKRANK" run -o python.lrk -- /usr/bin/python3 -c '
import time
table = {}
for i in range(200000):
    table[i] = "value-%d" % i
    if i % 20000 == 0: time.sleep(0.02)' >python.out 2>&1 || fail "python: $(cat python.out)"
  expect_grew_until_exit python ""
fi
echo "report_teardown: ok"
