# A descendant's recording says which program ran and when: the command of the image that
# ran (after its exec, after it retitled itself), its own start and its own duration.
source "$(dirname "$0")/lib.sh"

# record MODE: runs lifecycle.c's MODE with its children; the report's JSON goes to MODE.json.
record() {
  "$LEAKRANK" run --include-children -o "$1.lrk" -- "$LIFECYCLE" "$1" >"$1.out" 2>"$1.err" ||
    fail "$1: $(cat "$1.err")"
  "$LEAKRANK" report "$1.lrk" --format json >"$1.json" || fail "report of $1"
  expect_eq "$(jq '.children | length' "$1.json")" 1 "children recorded in $1"
}

# between LOW VALUE HIGH WHAT
between() {
  awk -v low="$1" -v value="$2" -v high="$3" 'BEGIN { exit !(low <= value && value <= high) }' ||
    fail "$4: $2, not between $1 and $3"
}

# Forked 0.3 s into the run, adopted under its parent's command line, exec'd 0.3 s later as
# "hold", which lives 0.2 s; the parent runs on 0.3 s after it.
record exec-later
expect_eq "$(jq -c '.children[0].command' exec-later.json)" "[\"$LIFECYCLE\",\"hold\"]" "command of a child that exec'd"
between 0.4 "$(jq '.children[0].duration_s' exec-later.json)" 0.8 "duration of the child"
between 0.2 "$(jq '.children[0].started_s' exec-later.json)" 0.6 "start of the child in the run"
between 1.0 "$(jq '.duration_s' exec-later.json)" 3.0 "duration of the run"
"$LEAKRANK" report exec-later.lrk | grep -q "^command .*target_lifecycle hold$" || fail "the text report names the exec'd command"
"$LEAKRANK" report exec-later.lrk | grep -q "child process .*, started 0\.[2-6] s into the run" ||
  fail "the text report does not say when the child started"
# --until is an instant of the run: 0.45 s in, the child had not exec'd the program that leaks.
child_end_heap() { "$LEAKRANK" report exec-later.lrk --until "$1" --format json | jq '.children[0].end_heap_bytes'; }
expect_eq "$(child_end_heap 0.45s)" 0 "the child's heap 0.45 s into the run"
(($(child_end_heap 1.0s) >= MARK_SIZE * MARK_COUNT)) || fail "the child's leaks are missing 1.0 s into the run"

# Retitled as nginx does: the title, without the padding after it.
record retitle
expect_eq "$(jq -c '.children[0].command' retitle.json)" '["lifecycle: worker"]' "command of a retitled child"

# Gone before the recorder looked at it: named by the executable its library reported.
record outrun
[[ $(jq -r '.children[0].command[0]' outrun.json) == */target_lifecycle ]] ||
  fail "a child gone before it was adopted is named $(jq -c '.children[0].command' outrun.json)"
"$LEAKRANK" peak outrun.lrk | grep -q "(?)" && fail "peak shows a child without a name: $("$LEAKRANK" peak outrun.lrk)"
echo "children_metadata: ok"
