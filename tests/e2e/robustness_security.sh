# What leakrank leaves on the machine: recordings only their owner can read; a shared
# memory segment that is private, unguessable and removed afterwards; and analysis that
# only reads the files a recording names, never runs them.
source "$(dirname "$0")/lib.sh"


# Recordings are 0600 whatever the umask.
(umask 000 && "$LEAKRANK" run -o private.lrk -- "$LIFECYCLE" leaf >/dev/null 2>&1) || fail "run"
expect_eq "$(stat -c %a private.lrk)" 600 "mode of a recording made under umask 000"

# The session segment, checked while a run is in progress.
segments() { find /dev/shm -maxdepth 1 -name 'leakrank-*' -printf '%f\n' | sort; }
segments >shm.before
"$LEAKRANK" run -o busy.lrk -- "$LIFECYCLE" sleep >busy.out 2>busy.err &
recorder=$!
for _ in $(seq 100); do grep -q sleeping busy.out 2>/dev/null && break; sleep 0.1; done
grep -q sleeping busy.out || fail "the target did not start"
segments >shm.during
mapfile -t ours < <(comm -13 shm.before shm.during)
((${#ours[@]} >= 1)) || fail "no session segment in /dev/shm during the run"
# Only this run's segment: the one the recorder has open or mapped.
segment=""
for name in "${ours[@]}"; do
  grep -q "/dev/shm/$name" "/proc/$recorder/maps" && segment=$name
done
[[ -n $segment ]] || fail "none of ${ours[*]} is mapped by the recorder"
expect_eq "$(stat -c '%a %u' "/dev/shm/$segment")" "600 $(id -u)" "mode and owner of the session segment"
[[ $segment =~ ^leakrank-[0-9a-f]{32}$ ]] || fail "segment name is not 128 random bits: $segment"
kill -TERM "$recorder"
wait "$recorder" || true
[[ ! -e /dev/shm/$segment ]] || fail "session segment $segment left in /dev/shm after the run"

# A SIGKILLed recorder cannot remove its segment; once the target is gone too, nothing
# should be left holding that memory.
"$LEAKRANK" run -o killed.lrk -- "$LIFECYCLE" sleep >killed.out 2>/dev/null &
recorder=$!
for _ in $(seq 100); do grep -q sleeping killed.out 2>/dev/null && break; sleep 0.1; done
target=$(pgrep -P "$recorder") || fail "target not found"
segment=$(grep -m1 -o 'leakrank-[0-9a-f]*' "/proc/$target/maps")
[[ -n $segment ]] || fail "the target maps no session segment"
kill -KILL "$recorder"
{ wait "$recorder"; } 2>/dev/null || true
sleep 1
kill -TERM "$target"
for _ in $(seq 50); do kill -0 "$target" 2>/dev/null || break; sleep 0.1; done
if [[ -e /dev/shm/$segment ]]; then
  rm -f "/dev/shm/$segment"
  fail "a SIGKILLed recorder left /dev/shm/$segment after its target exited"
fi

# A recording whose modules are now executable scripts: report, export and diff must
# read them (and fail to parse them), never execute them.
cp "$LIFECYCLE" ./lifecycle-copy
"$LEAKRANK" run -o scripted.lrk -- ./lifecycle-copy leaf >/dev/null 2>&1 || fail "run of the copy"
cat >lifecycle-copy <<EOF
#!/bin/sh
touch "$PWD/canary"
EOF
chmod +x lifecycle-copy
analyse() {
  "$LEAKRANK" report scripted.lrk >/dev/null 2>&1
  "$LEAKRANK" report --format json scripted.lrk >/dev/null 2>&1
  "$LEAKRANK" export scripted.lrk --format pprof -o scripted.pb >/dev/null 2>&1
  "$LEAKRANK" diff scripted.lrk scripted.lrk >/dev/null 2>&1
}
if command -v strace >/dev/null; then
  export -f analyse
  export LEAKRANK
  strace -f -qq -e trace=execve,execveat -o trace.txt bash -c analyse || true
  # bash and the four leakrank commands: nothing else.
  expect_eq "$(grep -c 'execve("[^"]*/leakrank"' trace.txt)" 4 "leakrank commands seen by strace"
  grep -v 'execve("[^"]*/leakrank"\|execve("/usr/bin/bash"\|execve("/bin/bash"' trace.txt | grep -c exec >/dev/null &&
    fail "analysis started a program: $(grep exec trace.txt | grep -v leakrank)"
else
  analyse
fi
[[ ! -e canary ]] || fail "analysing a recording executed a module it names"

echo "robustness_security: ok"
