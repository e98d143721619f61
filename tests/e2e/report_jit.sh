# JIT code named from the perf map the runtime writes (node --perf-basic-prof): the stacks of
# a JavaScript function's allocations name it instead of "??".
source "$(dirname "$0")/lib.sh"
command -v node >/dev/null || fail "no node: scripts/setup installs it"

"$LEAKRANK" run -o node.lrk -- node --perf-basic-prof -e '
function makeEntry(i) { return {a: i, b: "x" + i, c: [i, i + 1]}; }
const table = new Map();
function fillTable() { for (let i = 0; i < 300000; i++) table.set(i, makeEntry(i)); }
fillTable();' >run.out 2>&1 || fail "run: $(cat run.out)"
"$LEAKRANK" report node.lrk --top 0 --format json >node.json || fail "report"
jq -e '[.sites[].frames[] | select(.kind == "jit" and (.function | test("fillTable")))] | length > 0' node.json \
  >/dev/null || fail "no JIT frame names fillTable: $(jq -c '[.sites[].frames[] | select(.kind == "jit") | .function] | unique | .[0:10]' node.json)"
echo "report_jit: ok"
