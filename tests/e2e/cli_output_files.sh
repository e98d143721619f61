# Where verbs write: -o - is standard output for export; run and attach refuse it in one line;
# a recording replaces an earlier recording, but not a file that holds something else
# unless --force says so.
source "$(dirname "$0")/lib.sh"

"$LEAKRANK" run -o t.lrk -- "$TOKENIZER" --docs 2000 >/dev/null 2>err || fail "run: $(cat err)"

# export -o -: the same bytes as into a file, and no file named "-".
for format in folded json pprof; do
  "$LEAKRANK" export t.lrk --format "$format" -o "t.$format" 2>err || fail "export $format to a file: $(cat err)"
  "$LEAKRANK" export t.lrk --format "$format" -o - >"stdout.$format" 2>err || fail "export $format -o -: $(cat err)"
  cmp -s "t.$format" "stdout.$format" || fail "export --format $format -o - differs from the file"
done
[[ ! -e - ]] || fail "export -o - wrote a file named -"
jq -e '.sites | length > 0' stdout.json >/dev/null || fail "export --format json -o - is not the report JSON"

# run and attach: -o - is refused in one line that says why, before anything is recorded.
status=0
"$LEAKRANK" run -o - -- "$TOKENIZER" --docs 10 >out 2>err || status=$?
expect_eq "$status" 2 "exit code of run -o -"
expect_eq "$(wc -l <err)" 1 "lines of error for run -o -"
grep -q "^leakrank: -o -: a recording cannot go to standard output" err || fail "run -o -: $(cat err)"
[[ ! -e - && ! -s out ]] || fail "run -o - recorded something"
sleep 30 &
sleeper=$!
status=0
"$LEAKRANK" attach "$sleeper" -o - >/dev/null 2>err || status=$?
expect_eq "$status" 2 "exit code of attach -o -"
grep -q "^leakrank: -o -: a recording cannot go to standard output" err || fail "attach -o -: $(cat err)"

# A file that is not a recording is kept, unless --force.
echo "notes that must survive" >notes.txt
status=0
"$LEAKRANK" run -o notes.txt -- "$TOKENIZER" --docs 10 >/dev/null 2>err || status=$?
expect_eq "$status" 2 "exit code of run -o over a file that is not a recording"
expect_eq "$(cat err)" "leakrank: notes.txt exists and is not a leakrank recording; --force replaces it" \
  "run -o over a file that is not a recording"
expect_eq "$(cat notes.txt)" "notes that must survive" "the file run -o refused to replace"
status=0
"$LEAKRANK" attach "$sleeper" -o notes.txt >/dev/null 2>err || status=$?
expect_eq "$status" 2 "exit code of attach -o over a file that is not a recording"
expect_eq "$(cat notes.txt)" "notes that must survive" "the file attach -o refused to replace"
kill "$sleeper"
"$LEAKRANK" run --force -o notes.txt -- "$TOKENIZER" --docs 10 >/dev/null 2>err || fail "run --force: $(cat err)"
"$LEAKRANK" report notes.txt >/dev/null 2>err || fail "the recording --force wrote: $(cat err)"

# A recording, even a damaged one, and an empty file are replaced as before.
head -c 100 t.lrk >damaged.lrk
: >empty.lrk
for file in t.lrk damaged.lrk empty.lrk; do
  "$LEAKRANK" run -o "$file" -- "$TOKENIZER" --docs 10 >/dev/null 2>err || fail "run -o $file: $(cat err)"
done
echo "cli_output_files: ok"
