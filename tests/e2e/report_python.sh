# Python services: a pure-Python table that grows all run ranks first at the Python line that
# grows it, under the default allocator (pymalloc, wrapped once the interpreter is up) and
# with PYTHONMALLOC=malloc, after the interpreter's finalization freed it all; the site's
# stack holds the Python frames between the interpreter's C frames. What the standard
# library allocates for a line is that line's.
source "$(dirname "$0")/lib.sh"
PYTHON=/usr/bin/python3
[[ -x $PYTHON ]] || fail "no $PYTHON: scripts/setup installs it"

cat >grow.py <<'PY'
import time

def make_value(i):
    return "value-%d" % i

def grow(table, n):
    for i in range(len(table), len(table) + n):
        table[i] = make_value(i)

table = {}
for step in range(10):
    grow(table, 20000)
    time.sleep(0.02)
PY

expect_python_site() {  # NAME: its recording's first site is make_value at grow.py:4, growing
  "$LEAKRANK" report "$1.lrk" --format json >"$1.json" || fail "report $1"
  local first
  first=$(jq -r '.sites[0] | "\(.verdict) \(.function) \(.file | split("/") | last):\(.line)"' "$1.json")
  [[ $first == "growing make_value grow.py:4" ]] || fail "$1: first site is '$first'"
  jq -e '.sites[0].frames | map(select(.kind == "python") | .function) | index("grow") != null' "$1.json" >/dev/null ||
    fail "$1: no Python caller in the stack: $(jq -c '[.sites[0].frames[] | [.kind, .function]]' "$1.json")"
  jq -e '.sites[0].frames | map(.function) | index("_PyEval_EvalFrameDefault") != null' "$1.json" >/dev/null ||
    fail "$1: the interpreter's C frames are missing from the stack"
}

"$LEAKRANK" run -o pymalloc.lrk -- "$PYTHON" grow.py >run.out 2>&1 || fail "run: $(cat run.out)"
expect_python_site pymalloc
PYTHONMALLOC=malloc "$LEAKRANK" run -o malloc.lrk -- "$PYTHON" grow.py >run.out 2>&1 || fail "run: $(cat run.out)"
expect_python_site malloc
# Objects the standard library makes for the program (json.loads: its Python code, then its
# _json extension) are at the program's line, as std::vector's are at the line that grows it.
cat >parse.py <<'PY'
import json, time

def remember(table, i):
    table.append(json.loads('{"id": %d, "tags": ["a", "b"], "name": "item-%d"}' % (i, i)))

table = []
for step in range(10):
    for i in range(len(table), len(table) + 5000):
        remember(table, i)
    time.sleep(0.02)
PY
"$LEAKRANK" run -o parse.lrk -- "$PYTHON" parse.py >run.out 2>&1 || fail "run parse.py: $(cat run.out)"
"$LEAKRANK" report parse.lrk --format json >parse.json || fail "report parse.lrk"
first=$(jq -r '.sites[0] | "\(.verdict) \(.function) \(.file | split("/") | last):\(.line)"' parse.json)
[[ $first == "growing remember parse.py:4" ]] || fail "json.loads's objects: first site is '$first'"
echo "report_python: ok"
