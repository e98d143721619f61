# Allocation wrappers: a program whose every allocation goes through its own wrappers gets a
# site per caller, not one row named after a wrapper, whether the wrapper is known by name,
# named with --wrapper, or detected (out of line with many callers, or inlined into several
# functions). Stock programs (git, perl), when installed, rank their callers too.
source "$(dirname "$0")/lib.sh"

"$LEAKRANK" run -o wrapped.lrk -- "$TARGETS_DIR/target_wrapped" >run.out 2>&1 || fail "run: $(cat run.out)"
"$LEAKRANK" report wrapped.lrk --format json --top 0 >report.json || fail "report"
sites_of() { jq -r "[.sites[] | select($2) | .function] | sort | join(\",\")" "$1"; }

# The growing caller of xmalloc is the top site; each wrapper's callers are sites of their own.
expect_eq "$(jq -r '.sites[0].function' report.json)" remember_name "top site"
expect_eq "$(sites_of report.json '.verdict == "growing"')" \
  "fetch_slab,grow_index,keep_record,remember_name,remember_path" "growing sites"
expect_eq "$(sites_of report.json '.function | test("^(xmalloc|xzalloc|obtain_cell|take_chunk)$")')" "" \
  "sites named after a wrapper"
for bounded in cache_entry refresh_table format_line tally_words tally_lines; do
  verdict=$(jq -r --arg f "$bounded" '.sites[] | select(.function == $f) | .verdict' report.json)
  [[ -n "$verdict" && "$verdict" != growing ]] || fail "$bounded: expected a site of its own, not growing, got '$verdict'"
done
# The inlined wrapper gives way to the line that calls it.
expect_eq "$(jq -r '.sites[] | select(.function == "grow_index") | .frames[] | select(.function == "take_chunk") | .inlined' report.json)" \
  true "take_chunk is inlined into grow_index"
wrappers=$(jq -r '[.skipped_wrappers[] | "\(.function):\(.reason)"] | sort | join(",")' report.json)
expect_eq "$wrappers" "obtain_cell:detected,take_chunk:detected,xmalloc:named,xzalloc:named" "skipped wrappers"
"$LEAKRANK" report wrapped.lrk >report.txt || fail "text report"
grep -q '^wrappers .*obtain_cell (detected, 4 callers)' report.txt || fail "the text report names no skipped wrapper"

# fetch_slab has two callers only: too few to detect, so one site, until --wrapper names it.
"$LEAKRANK" report wrapped.lrk --format json --top 0 --wrapper 'fetch_.*' >named.json || fail "report --wrapper"
expect_eq "$(sites_of named.json '.function | test("slab")')" "grow_slabs,recycle_slab" "sites with --wrapper"
expect_eq "$(sites_of named.json '.verdict == "growing" and (.function | test("slab"))')" grow_slabs "growing slab site"
expect_eq "$(jq -r '.skipped_wrappers[] | select(.function == "fetch_slab") | .reason' named.json)" pattern "reason"
printf '# our own allocators\n\n  fetch_slab  \n' >wrappers.txt
"$LEAKRANK" report wrapped.lrk --format json --top 0 --wrappers-from wrappers.txt >from_file.json ||
  fail "report --wrappers-from"
expect_eq "$(sites_of from_file.json '.function | test("slab")')" "grow_slabs,recycle_slab" "sites with --wrappers-from"

# Every verb that names sites takes it.
"$LEAKRANK" export wrapped.lrk --format json -o - --wrapper fetch_slab | jq -e '.sites[] | select(.function == "grow_slabs")' \
  >/dev/null || fail "export --wrapper"
"$LEAKRANK" diff wrapped.lrk@0.1s wrapped.lrk --format json --top 0 --wrapper fetch_slab |
  jq -e '.sites[] | select(.function == "grow_slabs")' >/dev/null || fail "diff --wrapper"
"$LEAKRANK" run -o named.lrk --wrapper remember_name -- "$TARGETS_DIR/target_wrapped" >run_named.out 2>&1 ||
  fail "run --wrapper: $(cat run_named.out)"
grep -A3 'top growing sites' run_named.out | grep -q ' main ' || fail "run's summary ignores --wrapper: $(cat run_named.out)"
grep -A3 'top growing sites' run_named.out | grep -q remember_name && fail "run's summary shows remember_name"

# A bad expression or an unreadable file: one line, exit 2.
for bad in "--wrapper (" "--wrappers-from missing.txt" "--wrappers-from ."; do
  set +e
  "$LEAKRANK" report wrapped.lrk $bad >bad.out 2>bad.err
  code=$?
  set -e
  expect_eq "$code" 2 "exit code of report $bad"
  expect_eq "$(wc -l <bad.err)" 1 "lines on stderr for report $bad"
  grep -q '^leakrank: --wrapper' bad.err || fail "report $bad: $(cat bad.err)"
done

# With every frame kept, the innermost frame is the site again: nothing is hidden.
"$LEAKRANK" report wrapped.lrk --format json --keep-frames >kept.json || fail "report --keep-frames"
expect_eq "$(jq -r '.sites[0].function == .sites[0].frames[0].function' kept.json)" true "--keep-frames site"
expect_eq "$(jq '.skipped_wrappers | length' kept.json)" 0 "wrappers skipped with --keep-frames"

# git's xmalloc, xcalloc, xrealloc, xstrdup (no symbols in a stripped git: git+0x...): the top
# site is not a wrapper, no site is a skipped wrapper, and the wrappers' callers are sites (in
# a run this short the order of git's few sites varies with timing: any of the first five).
if command -v git >/dev/null; then
  git init -q repo
  for i in $(seq 1 40); do
    echo "line $i" >"repo/file$i"
    git -C repo add "file$i"
    git -C repo -c user.name=t -c user.email=t@t commit -qm "commit $i"
  done
  (cd repo && "$LEAKRANK" run -o ../git.lrk -- git log -p --stat >/dev/null 2>git_run.out) || fail "run git"
  "$LEAKRANK" report git.lrk --format json --top 0 >git.json || fail "report git"
  top=$(jq -r '.sites[0].function' git.json)
  [[ ! "$top" =~ ^(xmalloc|do_xmalloc|xcalloc|xrealloc|xstrdup)$ ]] || fail "git's top site is its wrapper $top"
  jq -e '.sites[0].function as $top | [.skipped_wrappers[].function] | index($top) | not' git.json >/dev/null ||
    fail "git's top site $top is a skipped wrapper"
  jq -e '[.skipped_wrappers[].function] as $w | .sites[0:5] | any(.frames | map(.function) | any(. as $f | $w | index($f)))' \
    git.json >/dev/null || fail "none of git's first sites was reached through a wrapper: $(jq -c '[.sites[0:5][].function]' git.json)"
fi

# perl: a big hash's memory is not Perl_safesysmalloc's.
if command -v perl >/dev/null; then
  "$LEAKRANK" run -o perl.lrk -- perl -e 'my %h; $h{"key$_"} = "v" x ($_ % 7) for 1 .. 200000' >perl_run.out 2>&1 ||
    fail "run perl: $(cat perl_run.out)"
  "$LEAKRANK" report perl.lrk --format json >perl.json || fail "report perl"
  expect_eq "$(jq '[.sites[] | select(.function | test("safesys"))] | length' perl.json)" 0 "perl sites named safesys*"
fi
echo "report_wrappers: ok"
