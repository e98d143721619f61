# The command line as people who use heaptrack, valgrind, perf or git expect it: the command
# to record starts at its first word, verbs are suggested when mistyped, help and version
# work as elsewhere, and every error is one "leakrank: " line with exit code 2.
source "$(dirname "$0")/lib.sh"

# expect_usage_error WHAT ARGS...: exit 2 and one line on stderr that starts with "leakrank: ".
expect_usage_error() {
  local what=$1 status=0
  shift
  "$LEAKRANK" "$@" >out 2>err || status=$?
  expect_eq "$status" 2 "exit code of $what"
  expect_eq "$(wc -l <err)" 1 "lines of error for $what: $(cat err)"
  [[ $(cat err) == "leakrank: "* ]] || fail "error for $what lacks the leakrank: prefix: $(cat err)"
}

# One version, the one project() declares in CMakeLists.txt.
version=$(sed -n 's/^project(leakrank VERSION \([0-9.]*\).*/\1/p' "$SOURCE_DIR/CMakeLists.txt")
[[ -n $version ]] || fail "no version in CMakeLists.txt"
expect_eq "$("$LEAKRANK" --version)" "leakrank $version" "--version"
expect_eq "$("$LEAKRANK" -V)" "leakrank $version" "-V"

# help VERB is VERB --help; help alone is --help.
expect_eq "$("$LEAKRANK" help report)" "$("$LEAKRANK" report --help)" "help report"
expect_eq "$("$LEAKRANK" help)" "$("$LEAKRANK" --help)" "help"
"$LEAKRANK" --help | grep -q "^  help " || fail "help is not listed among the verbs"

# A mistyped verb is named with the nearest one; a word far from every verb lists them all.
expect_usage_error "a mistyped verb" reprot
expect_eq "$(cat err)" "leakrank: unknown command 'reprot', did you mean 'report'?" "mistyped verb"
expect_usage_error "help of a mistyped verb" help plto
expect_eq "$(cat err)" "leakrank: unknown command 'plto', did you mean 'plot'?" "help of a mistyped verb"
expect_usage_error "an unknown verb" frobnicate
grep -q "the commands are run, attach, report" err || fail "unknown verb without the list: $(cat err)"
expect_usage_error "no verb"
expect_usage_error "an unknown option" report --bogus
expect_usage_error "an unknown option before the verb" -x
expect_eq "$(cat err)" "leakrank: unknown option '-x' (see leakrank --help)" "an unknown option before the verb"
expect_usage_error "run without a command" run --interval 1

# Options that take a name list the names in help and errors, and take nothing else: not
# the number of the enum behind them.
"$LEAKRANK" report --help >help.txt
grep -q -- "--format text|json " help.txt || fail "report --help does not list the formats: $(grep -- --format help.txt)"
grep -q -- "--group-by function|line|stack" help.txt || fail "report --help does not list the groupings"
! grep -q "ENUM\|->" help.txt || fail "report --help shows CLI11's enum mapping: $(grep 'ENUM\|->' help.txt)"
expect_usage_error "report --format 1" report --format 1 none.lrk
expect_eq "$(cat err)" "leakrank: --format: '1' is not one of text|json (see leakrank help report)" "report --format 1"
expect_usage_error "report --group-by 0" report --group-by 0 none.lrk
expect_usage_error "diff --format 2" diff --format 2 none.lrk none.lrk
grep -q "text|json|markdown" err || fail "diff --format error without the names: $(cat err)"
expect_usage_error "export --format 0" export none.lrk --format 0 -o out
expect_usage_error "run --on-threshold 1" run --on-threshold 1 true

# A bad value gets one line that names the option and the values it takes: no 309-digit
# bound, no -3 wrapped into a huge count.
expect_usage_error "run --interval 0" run --interval 0 true
expect_eq "$(cat err)" "leakrank: --interval: expected a number from 0.001 to 3600, got '0' (see leakrank help run)" \
  "run --interval 0"
expect_usage_error "report --top -3" report --top -3 none.lrk
grep -q "expected a whole number from 0 to 1000000, got '-3'" err || fail "report --top -3: $(cat err)"
while read -r option args; do
  # shellcheck disable=SC2086  # args are words
  expect_usage_error "$args" $args
  [[ $(cat err) == "leakrank: $option: "* ]] || fail "the error for '$args' does not name $option: $(cat err)"
  (($(wc -c <err) < 200)) || fail "the error for '$args' is $(wc -c <err) bytes long"
done <<'CASES'
--interval run --interval -1 true
--interval run --interval 1e999 true
--interval attach 1 --interval abc
--max-depth run --max-depth 300 true
--snapshot-every run --snapshot-every 0 true
--sample-bytes run --sample-bytes 5XB true
--duration attach 1 --duration 0
PID attach 0
PID snapshot 99999999
--top diff --top 99999999999999999999 none.lrk none.lrk
--top plot --top 1.5 none.lrk
--since report --since 5q none.lrk
--fail-on-growth diff --fail-on-growth -1 none.lrk none.lrk
--size plot --size 0x3 none.lrk
CASES

# run's options (flags, and options with their value) end at the command: its words are the
# command's, even those run knows (-o).
"$LEAKRANK" run --include-children -o args.lrk printf '%s|' -la -o x --interval >out 2>err || fail "run without --: $(cat err)"
expect_eq "$(cat out)" "-la|-o|x|--interval|" "arguments of a command given without --"
[[ -s args.lrk && ! -e x ]] || fail "the recording is not where run's own -o put it"
"$LEAKRANK" run --interval 0.5 -o dashes.lrk -- printf '%s|' -la >out 2>err || fail "run with --: $(cat err)"
expect_eq "$(cat out)" "-la|" "arguments of a command given after --"
echo "cli_usage: ok"
