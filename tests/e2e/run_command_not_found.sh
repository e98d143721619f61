# run with a command that cannot start: one line as a shell would say it, the shell's exit
# code (127 not found, 126 not executable), and no recording left behind.
source "$(dirname "$0")/lib.sh"

# expect_cannot_run WHY CODE ARGS...: run ARGS fails with "cannot run PROGRAM: WHY" and CODE.
expect_cannot_run() {
  local why=$1 code=$2 status=0
  shift 2
  "$LEAKRANK" run "$@" >out 2>err || status=$?
  expect_eq "$status" "$code" "exit code of run $*"
  local program=$1
  [[ $program == -- ]] && program=$2
  expect_eq "$(cat err)" "leakrank: cannot run $program: $why" "error of run $*"
  [[ -z $(ls ./*.lrk 2>/dev/null) ]] || fail "run $* left a recording: $(ls ./*.lrk)"
}

expect_cannot_run "No such file or directory" 127 -- /nonexistent/prog
expect_cannot_run "No such file or directory" 127 leakrank-no-such-command --flag  # searched in PATH
touch not-executable
expect_cannot_run "Permission denied" 126 ./not-executable
mkdir folder
expect_cannot_run "Permission denied" 126 -- ./folder

# A name without '/' is looked for in PATH, as execvp does: found there, it runs.
mkdir bin
cp "$(type -P true)" bin/leakrank-test-true
PATH=$PWD/bin:$PATH "$LEAKRANK" run -o found.lrk leakrank-test-true >/dev/null 2>err ||
  fail "run of a command found in PATH: $(cat err)"
echo "run_command_not_found: ok"
