# The command line as people who use heaptrack, valgrind, perf or git expect it: -V and
# --version print the version project() declares.
source "$(dirname "$0")/lib.sh"

# One version, the one project() declares in CMakeLists.txt.
version=$(sed -n 's/^project(leakrank VERSION \([0-9.]*\).*/\1/p' "$SOURCE_DIR/CMakeLists.txt")
[[ -n $version ]] || fail "no version in CMakeLists.txt"
expect_eq "$("$LEAKRANK" --version)" "leakrank $version" "--version"
expect_eq "$("$LEAKRANK" -V)" "leakrank $version" "-V"
echo "cli_usage: ok"
