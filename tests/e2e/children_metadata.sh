# A descendant's recording says which program ran: the command of the image that ran (after
# its exec, after it retitled itself).
source "$(dirname "$0")/lib.sh"

# record MODE: runs lifecycle.c's MODE with its children; the report's JSON goes to MODE.json.
record() {
  "$LEAKRANK" run --include-children -o "$1.lrk" -- "$LIFECYCLE" "$1" >"$1.out" 2>"$1.err" ||
    fail "$1: $(cat "$1.err")"
  "$LEAKRANK" report "$1.lrk" --format json >"$1.json" || fail "report of $1"
  expect_eq "$(jq '.children | length' "$1.json")" 1 "children recorded in $1"
}

# Forked 0.3 s into the run, adopted under its parent's command line, exec'd 0.3 s later as
# "hold", which lives 0.2 s; the parent runs on 0.3 s after it.
record exec-later
expect_eq "$(jq -c '.children[0].command' exec-later.json)" "[\"$LIFECYCLE\",\"hold\"]" "command of a child that exec'd"
"$LEAKRANK" report exec-later.lrk | grep -q "^command .*target_lifecycle hold$" || fail "the text report names the exec'd command"

# Retitled as nginx does: the title, without the padding after it.
record retitle
expect_eq "$(jq -c '.children[0].command' retitle.json)" '["lifecycle: worker"]' "command of a retitled child"

# Gone before the recorder looked at it: named by the executable its library reported.
record outrun
[[ $(jq -r '.children[0].command[0]' outrun.json) == */target_lifecycle ]] ||
  fail "a child gone before it was adopted is named $(jq -c '.children[0].command' outrun.json)"
"$LEAKRANK" peak outrun.lrk | grep -q "(?)" && fail "peak shows a child without a name: $("$LEAKRANK" peak outrun.lrk)"
echo "children_metadata: ok"
