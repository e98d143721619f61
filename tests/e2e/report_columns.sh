# The text report, run's summary and diff's text fit 80 columns on the tokenizer; --color,
# NO_COLOR and TERM=dumb decide colour; run --quiet prints no summary.
source "$(dirname "$0")/lib.sh"

"$LEAKRANK" run -o t.lrk -- "$TOKENIZER" --docs 2000 >/dev/null 2>summary.txt || fail "run: $(cat summary.txt)"
grep -q "^leakrank: top growing sites:" summary.txt || fail "run printed no summary: $(cat summary.txt)"
wide=$(grep '^leakrank\|^  ' summary.txt | awk 'length > 80') || true
[[ -z $wide ]] || fail "run's summary is wider than 80 columns: $wide"

COLUMNS=80 "$LEAKRANK" report t.lrk >report.txt 2>err || fail "report: $(cat err)"
wide=$(awk 'length > 80' report.txt)
[[ -z $wide ]] || fail "the report is wider than 80 columns: $wide"
grep -q "StringStore::intern(std::string_view)  string_store.cpp:" report.txt ||
  fail "the intern site is not named with its file relative to the sources: $(grep -m1 intern report.txt)"
grep -q "^sources .*samples/tokenizer/$" report.txt || fail "the report does not name the sources' folder"
grep -q "libstdc++ start-up" report.txt || fail "libstdc++'s start-up block is not named: $(grep libstdc report.txt)"
COLUMNS=200 "$LEAKRANK" report t.lrk >wide.txt
# Its rank and verdict depend on how many steps a 0.1 s run gets; the layout must not.
grep -Eq "^ +[0-9]+  [a-z].* [0-9,]+  StringStore::intern" wide.txt ||
  fail "at 200 columns a site is not on its row: $(grep -m1 -B1 intern wide.txt)"

# The next: lines paste as printed, a path with a space too.
cp t.lrk "with space.lrk"
COLUMNS=200 "$LEAKRANK" report "with space.lrk" >spaced.txt
grep -q "^next: leakrank plot 'with space.lrk'$" spaced.txt || fail "the next: plot line does not quote the path: $(grep next: spaced.txt)"
diff_line=$(sed -n 's/^ *leakrank diff //p' spaced.txt)
[[ $diff_line == "'with space.lrk'@"* ]] || fail "the next: diff line does not quote the path: $diff_line"
eval "\"\$LEAKRANK\" diff $diff_line" >/dev/null || fail "the printed diff command failed: leakrank diff $diff_line"

# Colour: only asked for or on a terminal, never with NO_COLOR, TERM=dumb or --color=never.
# Outputs go to files first: grep -q ending a pipe early would fail it under pipefail.
esc=$'\e'
has_colour() { grep -q "$esc\[" "$1"; }
"$LEAKRANK" report t.lrk --color=always >always.txt
has_colour always.txt || fail "--color=always gives no colour"
"$LEAKRANK" report t.lrk >piped.txt
! has_colour piped.txt || fail "colour in a pipe"
if command -v script >/dev/null; then
  on_terminal() { script -qec "$*" /dev/null </dev/null; }  # a pseudo-terminal as stdout
  env -u NO_COLOR TERM=xterm script -qec "$LEAKRANK report t.lrk" /dev/null </dev/null >tty.txt
  has_colour tty.txt || fail "no colour on a terminal: $(head -3 tty.txt)"
  NO_COLOR=1 on_terminal "$LEAKRANK" report t.lrk >no_color.txt
  ! has_colour no_color.txt || fail "colour with NO_COLOR"
  TERM=dumb on_terminal "$LEAKRANK" report t.lrk >dumb.txt
  ! has_colour dumb.txt || fail "colour with TERM=dumb"
  on_terminal "$LEAKRANK" report t.lrk --color=never >never.txt
  ! has_colour never.txt || fail "colour with --color=never"
fi
expect_usage_error() { "$LEAKRANK" "$@" >/dev/null 2>err && fail "$* was accepted"; true; }
expect_usage_error report t.lrk --color=sometimes
grep -q "'sometimes' is not one of auto|always|never" err || fail "--color=sometimes: $(cat err)"

# --quiet: the target's own output only.
"$LEAKRANK" run --quiet -o q.lrk -- "$TOKENIZER" --docs 200 >/dev/null 2>quiet.txt || fail "run --quiet failed"
! grep -q "^leakrank:" quiet.txt || fail "run --quiet printed: $(cat quiet.txt)"
[[ -s q.lrk ]] || fail "run --quiet wrote no recording"
"$LEAKRANK" run -q -o q.lrk -- ./no-such-program 2>quiet.err && fail "a missing command was run"
grep -q "^leakrank: cannot run" quiet.err || fail "run --quiet hid an error: $(cat quiet.err)"

# diff lays its sites out as the report does: under their numbers when they do not fit
# beside them, paths relative to the sources' folder.
COLUMNS=80 "$LEAKRANK" diff q.lrk t.lrk >diff.txt 2>err || fail "diff: $(cat err)"
wide=$(awk 'length > 80' diff.txt)
[[ -z $wide ]] || fail "diff is wider than 80 columns: $wide"
grep -q "^ *StringStore::intern(std::string_view)  string_store.cpp:" diff.txt ||
  fail "diff does not name the intern site on a line of its own: $(grep -m1 intern diff.txt)"
grep -q "^sources: .*samples/tokenizer/$" diff.txt || fail "diff does not name the sources' folder"
COLUMNS=200 "$LEAKRANK" diff q.lrk t.lrk >diff_wide.txt
grep -q "^ .*+[0-9.]* [KM]iB .*StringStore::intern" diff_wide.txt || fail "at 200 columns a diff's site is not on its row"
echo "report_columns: ok"
