# diff --fail-on-growth as a CI gate: one source built in two folders (two CI checkouts)
# matches site by site and passes, and so does a copy with one more line above the
# allocations; a leak added in NEW fails, named first. A cut recording (either side), a time
# past the end and an empty size are bad input: one line on stderr, exit 2.
source "$(dirname "$0")/lib.sh"

SOURCE=$SOURCE_DIR/tests/targets/gate_leak.c

# build FOLDER [CFLAGS...]: compiled in FOLDER from its own copy of the source (copied
# unless FOLDER already holds an edited one), as a CI checkout builds; recorded as FOLDER.lrk.
build() {
  local folder=$1
  shift
  mkdir -p "$folder"
  [[ -f $folder/gate_leak.c ]] || cp "$SOURCE" "$folder/"
  (cd "$folder" && cc -g -O1 "$@" -o gate_leak gate_leak.c) || fail "cannot build in $folder"
  "$LEAKRANK" run -o "$folder.lrk" -- "$folder/gate_leak" >/dev/null 2>run.err || fail "run $folder: $(cat run.err)"
}

# gate BASE NEW [OPTIONS...]: the gate at 1MiB, JSON in gate.json; sets status.
gate() {
  local base=$1 new=$2
  shift 2
  status=0
  "$LEAKRANK" diff "$base" "$new" --fail-on-growth 1MiB --format json "$@" >gate.json 2>gate.err || status=$?
}

# matches KIND: how many sites of gate.json are matched, new or gone.
matches() { jq --arg kind "$1" '[.sites[] | select(.match == $kind)] | length' gate.json; }

# lines_of RECORDING FUNCTION: the lines of FUNCTION's sites, as report gives them.
lines_of() {
  "$LEAKRANK" report "$1" --top 0 --format json | jq -c --arg f "$2" '[.sites[] | select(.function == $f) | .line]'
}

# expect_refused WHAT: the last diff failed with exit 2 and one line starting "leakrank:".
expect_refused() {
  expect_eq "$status" 2 "exit code for $1"
  expect_eq "$(wc -l <gate.err)" 1 "lines on stderr for $1"
  [[ $(cat gate.err) == leakrank:* ]] || fail "$1: stderr does not start with leakrank: $(cat gate.err)"
}

build checkout-one
build checkout-two

# Two folders, same source, same workload: every site matched, the gate passes.
gate checkout-one.lrk checkout-two.lrk
expect_eq "$status" 0 "gate between two builds of one source ($(cat gate.err))"
expect_eq "$(matches matched)" 3 "matched sites between two folders"
expect_eq "$(matches new)" 0 "new sites between two folders"
expect_eq "$(matches gone)" 0 "gone sites between two folders"
[[ $(jq -r '.sites[0].file' gate.json) == */checkout-two/gate_leak.c ]] ||
  fail "the sites are not named from NEW's folder: $(jq -r '.sites[0].file' gate.json)"
"$LEAKRANK" diff checkout-one.lrk checkout-two.lrk --fail-on-growth 1MiB >gate.txt || fail "text gate failed"
grep -q "^sites: 3 matched, 0 new, 0 gone$" gate.txt || fail "text diff does not say the sites matched: $(cat gate.txt)"
grep -q "^PASS" gate.txt || fail "text diff does not PASS: $(cat gate.txt)"

# One more line above the allocations: every line moves, the sites still match.
mkdir -p checkout-edited
awk '!inserted && /malloc\(/ { print "  // one more line, above the allocations"; inserted = 1 } { print }' \
  "$SOURCE" >checkout-edited/gate_leak.c
build checkout-edited
[[ $(lines_of checkout-one.lrk load_tables) != "$(lines_of checkout-edited.lrk load_tables)" ]] ||
  fail "the edit did not move load_tables' lines: $(lines_of checkout-edited.lrk load_tables)"
gate checkout-one.lrk checkout-edited.lrk
expect_eq "$status" 0 "gate after a one-line edit ($(cat gate.err))"
expect_eq "$(matches matched)" 3 "matched sites after a one-line edit"

# A real leak added in NEW fails the gate, and is the first site it names.
build checkout-leaky -DADDED_LEAK
gate checkout-one.lrk checkout-leaky.lrk
expect_eq "$status" 1 "gate with an added leak"
expect_eq "$(jq -r '.failed_sites | length' gate.json)" 1 "sites failing with an added leak"
expect_eq "$(jq -r '.sites[0].function' gate.json)" remember_requests "first site with an added leak"
expect_eq "$(jq -r '.sites[0].match' gate.json)" new "the added leak's match"
expect_eq "$(matches matched)" 3 "matched sites beside the added leak"
status=0
"$LEAKRANK" diff checkout-one.lrk checkout-leaky.lrk --fail-on-growth 1MiB >gate.txt || status=$?
expect_eq "$status" 1 "text gate with an added leak"
[[ $(grep -A1 '^FAIL' gate.txt | tail -1) == *remember_requests* ]] ||
  fail "the FAIL list does not name remember_requests first: $(cat gate.txt)"

# Bad input: a cut recording on either side, a time past the end, an empty size.
head -c $(($(stat -c %s checkout-two.lrk) / 2)) checkout-two.lrk >cut.lrk
gate checkout-one.lrk cut.lrk
expect_refused "a truncated NEW"
grep -q "truncated\|no end record" gate.err || fail "the refusal does not say the recording is cut: $(cat gate.err)"
gate cut.lrk checkout-two.lrk
expect_refused "a truncated BASE"
gate checkout-one.lrk checkout-two.lrk@999s
expect_refused "a time past the end"
grep -q "s long" gate.err || fail "the refusal does not give the recording's length: $(cat gate.err)"
status=0
"$LEAKRANK" diff checkout-one.lrk checkout-two.lrk --fail-on-growth "" >gate.json 2>gate.err || status=$?
expect_refused "an empty --fail-on-growth"
echo "diff_gate: ok"
