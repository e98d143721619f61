# A CPython whose frames leakrank does not read (3.12, or one before 3.11) is named in run's
# summary and in report's warnings, instead of its stacks showing C frames without a word.
# Debian has no other CPython than 3.11: stand-ins export the symbols leakrank looks for.
source "$(dirname "$0")/lib.sh"

expect_named() {  # PROGRAM NAME: its run and its report both say NAME's frames are not read
  "$LEAKRANK" run -o "$1.lrk" -- "$TARGETS_DIR/target_$1" >"$1.out" 2>"$1.err" || fail "run $1: $(cat "$1.err")"
  grep -q "^leakrank: warning: $2:" "$1.err" || fail "run's summary does not name $2: $(cat "$1.err")"
  "$LEAKRANK" report "$1.lrk" >/dev/null 2>"$1.report.err" || fail "report $1: $(cat "$1.report.err")"
  local expected="leakrank: warning: $2: its frames are not read (leakrank reads CPython 3.11's); stacks show the interpreter's C frames"
  grep -qxF "$expected" "$1.report.err" || fail "report does not name $2: $(cat "$1.report.err")"
}
expect_named other_python "Python 3.12"
expect_named old_python "a Python before 3.11"

# A program that is no Python gets no such word.
"$LEAKRANK" run -o leaf.lrk -- "$LIFECYCLE" leaf >/dev/null 2>leaf.err || fail "run leaf: $(cat leaf.err)"
! grep -q "Python" leaf.err || fail "a C program was called a Python: $(cat leaf.err)"
echo "python_versions: ok"
