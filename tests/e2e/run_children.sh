# Children: without --include-children only the target is recorded, and run says how many
# processes it started unrecorded (a wrapper's report is otherwise just empty); with it,
# every forked or exec'd descendant gets a recording of its own, named with its pid.
source "$(dirname "$0")/lib.sh"

for mode in fork forkexec spawn system nested; do
  mkdir "$mode" && cd "$mode"
  "$LEAKRANK" run -o parent.lrk -- "$LIFECYCLE" "$mode" >out 2>err || fail "$mode without children: $(cat err)"
  expect_eq "$(ls ./*.lrk | wc -l)" 1 "recordings without --include-children ($mode)"
  grep -q "the target started [0-9]* process.* not recorded" err || fail "no word of the unrecorded child ($mode): $(cat err)"

  "$LEAKRANK" run --include-children -o run.lrk -- "$LIFECYCLE" "$mode" >out 2>err ||
    fail "$mode with children: $(cat err)"
  ! grep -q "not recorded" err || fail "children recorded, yet called unrecorded ($mode): $(cat err)"
  children=$(ls run.*.lrk 2>/dev/null | wc -l)
  ((children >= 1)) || fail "no child recording for $mode"
  found=0
  for child in run.*.lrk; do
    line=$(totals "$child" "$MARK_SIZE")
    [[ $(field live_of_size "$line") == "$MARK_COUNT" ]] && found=$((found + 1))
    [[ $child =~ ^run\.[0-9]+\.lrk$ ]] || fail "child recording name $child"
  done
  ((found >= 1)) || fail "no child recording holds the child's leaks ($mode)"
  parent=$(totals run.lrk)
  (($(field children "$parent") >= 1)) || fail "parent recording does not list its children ($mode)"
  # report on the parent has a section per child, and a "children" array in JSON.
  (($("$LEAKRANK" report run.lrk --format json | jq '.children | length') >= 1)) || fail "report lacks children ($mode)"
  "$LEAKRANK" report run.lrk | grep -c "child process" >/dev/null || fail "text report lacks a child section ($mode)"
  cd ..
done
echo "run_children: ok"
