# Corpus: stock Debian programs (a JVM, Ruby, Perl, Python, Node, git, sqlite3, nginx, redis,
# make, cmake and g++) must run under `leakrank run` as they run alone: the same stdout,
# stderr and exit code, no hang, and a recording that report can read for every process
# recorded. Every case runs whatever happened to the ones before it; the test ends with a
# table of outcomes and timings, and fails if any case failed.
source "$(dirname "$0")/lib.sh"

# A run still going after this many seconds is a hang. The slowest case takes about a second
# alone and a few under leakrank: the margin is for the sanitized build, and a few hangs still
# fit in the 300 s CTest gives this test.
LIMIT=${CORPUS_TIMEOUT:-30}
PYTHON=/usr/bin/python3  # Debian's own: a python3 found first on PATH may be another build
# The processes of a build chain that must each have a recording, by the base name of the file
# they ran (symbolic links resolved, as report names modules): as and ld are links to
# <triplet>-as and <triplet>-ld.bfd.
COMPILERS='^(cc1|cc1plus|collect2|as|ld|.*-as|.*-ld|.*-ld\.(bfd|gold))$'

# ---- bookkeeping ---------------------------------------------------------------------------

now_us() { echo "${EPOCHREALTIME/./}"; }

# problem KIND MESSAGE: a failure of the current case; KIND is what the table shows.
problem() {
  local message=${2//$'\n'/ | }
  printf '%s\t%s\n' "$1" "$message" >>"$work/$current.problems"
  echo "corpus: $current: $1: $message" >&2
}

# segments: the names of leakrank's shared-memory segments now in /dev/shm, sorted.
segments() {
  local path
  for path in /dev/shm/leakrank-*; do
    if [[ -e $path ]]; then echo "${path##*/}"; fi
  done | sort
}

# left_segments BEFORE: segments not in the file BEFORE that no live process maps, i.e. left
# behind. Other tests may run meanwhile: their segments are mapped by their processes. A
# killed recorder's segments are removed by a helper of its own, shortly after: hence the wait.
left_segments() {
  local left segment
  for _ in 1 2 3 4 5; do
    left=()
    for segment in $(segments | comm -13 "$1" -); do
      grep -qs "/dev/shm/$segment" /proc/[0-9]*/maps || left+=("$segment")
    done
    ((${#left[@]})) || return 0
    sleep 1
  done
  echo "${left[*]}"
}

# ---- bounded runs --------------------------------------------------------------------------

# start_bounded LABEL CMD...: runs CMD in the background with its output in LABEL.out and
# LABEL.err, under timeout(1), which leads a process group of its own: past LIMIT every
# process of that group gets SIGTERM, 5 s later SIGKILL (a deadlocked target ignores SIGTERM).
start_bounded() {
  local label=$1
  shift
  started_us=$(now_us)
  timeout -k 5 "$LIMIT" "$@" >"$label.out" 2>"$label.err" &
  group=$!
}

# finish_bounded LABEL WHAT: waits for the run started last; its exit code goes to
# LABEL.status, its time in microseconds to LABEL.us. A hang fails the case, naming WHAT, and
# so do processes it left running in its group, which are then killed. Returns 1 on a hang.
finish_bounded() {
  local label=$1 what=$2 status=0 leftovers
  wait "$group" || status=$?
  echo "$status" >"$label.status"
  echo $(($(now_us) - started_us)) >"$label.us"
  if (($(<"$label.us") >= LIMIT * 1000000)); then
    # Too slow without leakrank says something about this machine, not about leakrank.
    if [[ $label == alone ]]; then
      problem setup "$what did not finish in $LIMIT s: is the machine overloaded?"
    else
      problem hang "$what did not finish in $LIMIT s and was killed"
    fi
  fi
  # Killed processes take a moment to go (zombies are gone already); the ones still there
  # after that were left running.
  for _ in $(seq 20); do
    leftovers=$(ps -e -o pid=,pgid=,stat=,comm= | awk -v group="$group" '$2 == group && $3 !~ /^Z/ { print $1 " " $4 }' |
      paste -sd, -)
    [[ -n $leftovers ]] || break
    sleep 0.1
  done
  if [[ -n $leftovers ]]; then
    problem leftovers "$what left processes running: $leftovers"
    kill -KILL -- "-$group" 2>/dev/null || true
  fi
  (($(<"$label.us") < LIMIT * 1000000))
}

# describe CMD...: the command on one line, cut short, for messages.
describe() {
  local text="$*"
  text=${text//$'\n'/ }
  echo "${text:0:70}"
}

bounded() {  # LABEL WHAT CMD...
  start_bounded "$1" "${@:3}"
  finish_bounded "$1" "$2"
}

# run_alone CMD...: the program without leakrank, into alone.*; it must succeed there.
run_alone() {
  bounded alone "$(describe "$@") (alone)" "$@" || return 1
  expect_alone_ok "$(describe "$@")"
}

# run_recorded [RUN OPTIONS] -- CMD...: the same under leakrank run, recording into run.lrk
# (and run.PID.lrk for the children), into run.*.
run_recorded() {
  local options=()
  while [[ $1 != -- ]]; do
    options+=("$1")
    shift
  done
  shift
  bounded run "$(describe "$@") under leakrank" "$LEAKRANK" run "${options[@]}" -o run.lrk -- "$@"
}

# wait_until CMD...: retries CMD every 0.1 s while the run started last is alive, LIMIT s at most.
wait_until() {
  local deadline=$(($(now_us) + LIMIT * 1000000))
  until "$@" >/dev/null 2>&1; do
    kill -0 "$group" 2>/dev/null && (($(now_us) < deadline)) || return 1
    sleep 0.1
  done
}

free_port() {  # a loopback TCP port nobody listens on now
  "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ---- checks --------------------------------------------------------------------------------

# target_stderr FILE: leakrank run's stderr without leakrank's own lines, i.e. the target's:
# its summary lines all start with "leakrank: ", but for the indented sites after "top growing
# sites:". The target has exited when the summary is printed, so nothing of it comes later.
target_stderr() {
  awk '/^leakrank: top growing sites:$/ { sites = 1; next }
       sites && /^  / { next }
       { sites = 0 }
       !/^leakrank: / { print }' "$1"
}

# expect_alone_ok WHAT: the program works here without leakrank; else nothing can be compared.
expect_alone_ok() {
  [[ $(<alone.status) == 0 ]] || { problem setup "$1 fails without leakrank: $(tail -n 3 alone.err)"; return 1; }
}

# expect_same_run: under leakrank the program printed what it printed alone, and exited with
# the same code.
expect_same_run() {
  target_stderr run.err >run.target-err
  cmp -s alone.out run.out || problem output "stdout differs from the run alone: $(diff alone.out run.out | head -n 6)"
  cmp -s alone.err run.target-err ||
    problem output "stderr differs from the run alone: $(diff alone.err run.target-err | head -n 6)"
  [[ $(<run.status) == $(<alone.status) ]] ||
    problem exit-code "exit code $(<run.status) under leakrank, $(<alone.status) alone; $(tail -n 3 run.err)"
}

# expect_readable FILE...: report reads each recording to its end record, and finds
# allocations and sites in it.
expect_readable() {
  local file facts complete allocations sites
  for file in "$@"; do
    if ! facts=$("$LEAKRANK" report "$file" --format json 2>report.err |
      jq -r '"\(.complete) \(.total_allocations) \(.sites | length)"'); then
      problem recording "report cannot read $file: $(head -n 3 report.err)"
      continue
    fi
    read -r complete allocations sites <<<"$facts"
    [[ $complete == true ]] && ((allocations > 0 && sites > 0)) ||
      problem recording "$file: complete=$complete, $allocations allocations, $sites sites"
  done
}

expect_all_readable() { expect_readable run*.lrk; }

# count_execs CMD...: runs CMD under strace (not timed) and writes execs.count: for each program
# file exec'd in the tree, "PROCESSES NAME", NAME its base name once symbolic links are
# resolved; and execs.total: how many processes exec'd something.
count_execs() {
  bounded traced "$(describe "$@") under strace" strace -ff -qq -s 4096 -z -e trace=execve -e signal=none -o execs "$@" || return 1
  local file
  grep -l '^execve(' execs.[0-9]* | wc -l >execs.total
  for file in execs.[0-9]*; do
    sed -n 's/^execve("\([^"]*\)".*/\1/p' "$file" | xargs -r realpath | xargs -r -n 1 basename | sort -u
  done | sort | uniq -c >execs.count
  rm -f execs.[0-9]*
}

# expect_execs_recorded: every process that exec'd in the strace run has a recording of its
# own (pids differ between runs: counts are compared), and each compiler process in
# particular, a recording being a compiler's when its stacks go through that file.
expect_execs_recorded() {
  local recordings=(run*.lrk) file count name recorded
  ((${#recordings[@]} >= $(<execs.total))) ||
    problem recordings "${#recordings[@]} recordings for $(<execs.total) processes that exec'd ($(awk '{ print $1 " " $2 }' execs.count | paste -sd, -))"
  for file in "${recordings[@]}"; do
    "$LEAKRANK" report "$file" --format json --top 0 |
      jq -r '[.sites[].frames[].module | split("/") | last] | unique[]' || true  # expect_readable says why
  done | sort | uniq -c >recorded.count
  while read -r count name; do
    [[ $name =~ $COMPILERS ]] || continue
    recorded=$(awk -v name="$name" '$2 == name { print $1 }' recorded.count)
    ((${recorded:-0} == count)) || problem recordings "$name: ${recorded:-0} recordings for $count processes"
  done <execs.count
}

# ---- the cases -----------------------------------------------------------------------------

# The JVM starts a dozen threads before main, each allocating from its first instructions.
java_version() {
  run_alone java -version || return 0
  run_recorded -- java -version || return 0
  expect_same_run
  expect_all_readable
}

# A map grown by four threads; the source launcher compiles the file in the same JVM first.
java_threads() {
  cat >Grow.java <<'EOF'
import java.util.concurrent.ConcurrentHashMap;

public class Grow {
  public static void main(String[] args) throws Exception {
    ConcurrentHashMap<Integer, String> map = new ConcurrentHashMap<>();
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      final int base = t * 50000;
      threads[t] = new Thread(() -> {
        for (int i = 0; i < 50000; i++) map.put(base + i, "value-" + (base + i));
      });
      threads[t].start();
    }
    for (Thread thread : threads) thread.join();
    System.out.println("entries=" + map.size());
  }
}
EOF
  run_alone java Grow.java || return 0
  run_recorded -- java Grow.java || return 0
  expect_same_run
  expect_all_readable
}

RUBY_THREADS='
arrays = Array.new(4) { [] }
threads = arrays.each_with_index.map do |array, t|
  Thread.new { 50_000.times { |i| array << "item-#{t}-#{i}" } }
end
threads.each(&:join)
puts "items=#{arrays.sum(&:size)} last=#{arrays.last.last}"'

ruby_threads() {
  run_alone ruby -e "$RUBY_THREADS" || return 0
  run_recorded -- ruby -e "$RUBY_THREADS" || return 0
  expect_same_run
  expect_all_readable
}

perl_hash() {
  cat >hash.pl <<'EOF'
use strict;
use warnings;
# The checksum does not depend on the order of the keys, which perl randomizes per run.
my %hash;
$hash{"key$_"} = "value" x ($_ % 7) for 1 .. 100_000;
my $total = 0;
$total += length($hash{$_}) for keys %hash;
print "keys=", scalar(keys %hash), " bytes=$total\n";
EOF
  run_alone perl hash.pl || return 0
  run_recorded -- perl hash.pl || return 0
  expect_same_run
  expect_all_readable
}

# Values over 512 bytes: pymalloc passes them to malloc, so the threads allocate for real.
python_threads() {
  cat >threads.py <<'EOF'
import threading

tables = [{} for _ in range(4)]

def fill(table, base):
    for i in range(5_000):
        table[base + i] = b"%d" % (base + i) * 200

threads = [threading.Thread(target=fill, args=(t, n * 5_000)) for n, t in enumerate(tables)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print("entries=%d bytes=%d" % (sum(len(t) for t in tables), sum(len(v) for t in tables for v in t.values())))
EOF
  run_alone "$PYTHON" threads.py || return 0
  run_recorded -- "$PYTHON" threads.py || return 0
  expect_same_run
  expect_all_readable
}

# Pool(2) forks two workers (fork is the start method on Linux): each gets its recording.
python_pool() {
  cat >pool.py <<'EOF'
import multiprocessing

def sum_of_squares(n):
    return sum(i * i for i in range(n))

if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        print(pool.map(sum_of_squares, range(0, 200_000, 20_000)))
EOF
  run_alone "$PYTHON" pool.py || return 0
  run_recorded --include-children -- "$PYTHON" pool.py || return 0
  expect_same_run
  expect_all_readable
  local workers=(run.*.lrk)
  [[ -e ${workers[0]} ]] || workers=()
  ((${#workers[@]} == 2)) || problem recordings "${#workers[@]} worker recordings for a pool of 2: ${workers[*]}"
}

node_map() {
  cat >map.js <<'EOF'
const map = new Map();
for (let i = 0; i < 200000; i++) map.set("key" + i, { index: i, text: "value-" + i });
let total = 0;
for (const value of map.values()) total += value.text.length;
console.log(`entries=${map.size} chars=${total}`);
EOF
  run_alone node map.js || return 0
  run_recorded -- node map.js || return 0
  expect_same_run
  expect_all_readable
  # The Map lives in V8's heap, whose pages V8 commits with mprotect inside reservations:
  # among the first sites is that page allocator, holding most of what the Map took.
  local v8_pages
  v8_pages=$("$LEAKRANK" report run.lrk --format json --top 3 |
    jq '[.sites[] | select(.kind == "mmap" and (.function | test("MemoryAllocator"))) | .peak_bytes] | max // 0')
  ((v8_pages >= 32 << 20)) || problem report "V8's heap pages are not among the first sites: ${v8_pages} bytes at their peak"
}

# Fixed names and dates make the commit ids, hence the log, the same on every run; each run
# starts from no repository at the same path, since init prints it.
git_commits() {
  cat >commits.sh <<'EOF'
set -e
rm -rf repo
git -c init.defaultBranch=main init -q repo
cd repo
for i in 1 2 3; do
  echo "line $i" >>file.txt
  git add file.txt
  git commit -q -m "commit $i"
done
git log --stat
EOF
  export HOME=$PWD GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
  export GIT_AUTHOR_NAME=corpus GIT_AUTHOR_EMAIL=corpus@example.invalid GIT_AUTHOR_DATE=2024-01-01T00:00:00Z
  export GIT_COMMITTER_NAME=corpus GIT_COMMITTER_EMAIL=corpus@example.invalid GIT_COMMITTER_DATE=2024-01-01T00:00:00Z
  run_alone bash commits.sh || return 0
  count_execs bash commits.sh || return 0
  run_recorded --include-children -- bash commits.sh || return 0
  expect_same_run
  expect_all_readable
  expect_execs_recorded
}

SQLITE_ROWS="create table t(id integer primary key, v text);
with recursive n(i) as (select 1 union all select i + 1 from n where i < 10000)
insert into t select i, 'row ' || i from n;
select count(*), sum(length(v)) from t;"

sqlite_rows() {
  run_alone sqlite3 rows.db "$SQLITE_ROWS" || return 0
  rm rows.db
  run_recorded -- sqlite3 rows.db "$SQLITE_ROWS" || return 0
  expect_same_run
  expect_all_readable
}

# serve_nginx LABEL [PREFIX...]: nginx (a master, 2 workers) answers 50 requests, then stops
# gracefully on SIGQUIT sent to its master, found by its pid file: under leakrank the signal
# goes to nginx itself, not to leakrank. -e keeps even start-up errors in this folder.
serve_nginx() {
  local label=$1 master
  shift
  start_bounded "$label" "$@" nginx -p "$PWD/" -c "$PWD/nginx.conf" -e "$PWD/$label.error.log" \
    -g "daemon off; master_process on; worker_processes 2; pid $PWD/$label.pid;"
  if ! wait_until curl -sf "http://127.0.0.1:$port/"; then
    problem startup "nginx ($label) never answered on 127.0.0.1:$port: $(tail -n 3 "$label.err" "$label.error.log")"
    finish_bounded "$label" "nginx ($label)"
    return 1
  fi
  for i in $(seq 50); do curl -s --max-time 10 "http://127.0.0.1:$port/$i"; done >"$label.responses"
  master=$(<"$label.pid")
  ps --ppid "$master" -o pid= | tr -d ' ' >"$label.workers"
  kill -QUIT "$master"
  finish_bounded "$label" "nginx ($label)"
}

nginx_workers() {
  port=$(free_port)
  cat >nginx.conf <<EOF
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path body;
  proxy_temp_path proxy;
  fastcgi_temp_path fastcgi;
  uwsgi_temp_path uwsgi;
  scgi_temp_path scgi;
  server {
    listen 127.0.0.1:$port;
    location / { return 200 "nginx answers \$uri\n"; }
  }
}
EOF
  serve_nginx alone || return 0
  expect_alone_ok nginx || return 0
  serve_nginx run "$LEAKRANK" run --include-children -o run.lrk -- || return 0
  expect_same_run
  cmp -s alone.responses run.responses ||
    problem output "responses differ from the run alone: $(diff alone.responses run.responses | head -n 4)"
  expect_all_readable
  local worker workers=()
  mapfile -t workers <run.workers
  ((${#workers[@]} == 2)) || problem recordings "nginx had ${#workers[@]} workers instead of 2"
  for worker in "${workers[@]}"; do
    [[ -e run.$worker.lrk ]] || problem recordings "no recording of nginx worker $worker"
  done
}

# serve_redis LABEL [PREFIX...]: redis-server answers redis-benchmark, then shuts down on a
# client's command. Its log (with pids and times) goes to a file; what is compared is the
# benchmark's list of the commands it completed, not its rates.
serve_redis() {
  local label=$1
  shift
  start_bounded "$label" "$@" redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize no --dir "$PWD" --logfile "$PWD/$label.log"
  if ! wait_until redis-cli -p "$port" ping; then
    problem startup "redis-server ($label) never answered on 127.0.0.1:$port: $(tail -n 3 "$label.err" "$label.log")"
    finish_bounded "$label" "redis-server ($label)"
    return 1
  fi
  timeout -k 5 "$LIMIT" redis-benchmark -n 2000 -q -p "$port" -t set,get >"$label.benchmark" 2>&1 ||
    problem hang "redis-benchmark against redis-server ($label) did not finish"
  tr '\r' '\n' <"$label.benchmark" | sed -n 's/^ *\([A-Z]*\): [0-9.]* requests per second.*/\1/p' >"$label.completed"
  timeout -k 5 "$LIMIT" redis-cli -p "$port" shutdown nosave >/dev/null || true
  finish_bounded "$label" "redis-server ($label)"
}

redis_benchmark() {
  port=$(free_port)
  serve_redis alone || return 0
  expect_alone_ok redis-server || return 0
  serve_redis run "$LEAKRANK" run -o run.lrk -- || return 0
  expect_same_run
  [[ $(paste -sd, alone.completed) == SET,GET ]] || problem setup "redis-benchmark alone: $(cat alone.benchmark)"
  cmp -s alone.completed run.completed ||
    problem output "redis-benchmark completed $(paste -sd, run.completed) under leakrank, $(paste -sd, alone.completed) alone"
  grep -q "ready to exit" run.log || problem output "redis-server under leakrank did not log its shutdown"
  expect_all_readable
}

# Build chains, all under --include-children; each run starts from the same clean tree. Here
# check_build_chain SCRIPT: bash -c SCRIPT runs alike alone and with every descendant
# recorded, and each process that ran a compiler has a readable recording of its own.
check_build_chain() {
  run_alone bash -c "$1" || return 0
  count_execs bash -c "$1" || return 0
  run_recorded --include-children -- bash -c "$1" || return 0
  expect_same_run
  expect_all_readable
  expect_execs_recorded
}

# bash forks rm, make and the program; make starts a gcc driver per file, and each driver
# its compilers (cc1, as; collect2, which runs ld): three levels below the recorded bash.
make_build() {
  printf 'int one(void);\nint two(void);\nint main(void) { return one() + two() == 3 ? 0 : 1; }\n' >main.c
  printf '#include <stdio.h>\nint one(void) { return puts("one") > 0; }\n' >one.c
  printf '#include <stdio.h>\nint two(void) { return 2 * (puts("two") > 0); }\n' >two.c
  printf 'program: main.o one.o two.o\n\t$(CC) -o $@ $^\n%%.o: %%.c\n\t$(CC) -O1 -c -o $@ $<\n' >Makefile
  local build='rm -f *.o program && make -j2 && ./program'
  check_build_chain "$build"
}

# cmake's compiler checks build a test project with make: cmake, make, drivers, compilers.
cmake_configure() {
  mkdir project
  printf 'cmake_minimum_required(VERSION 3.13)\nproject(tiny C)\nadd_executable(tiny main.c)\n' >project/CMakeLists.txt
  printf 'int main(void) { return 0; }\n' >project/main.c
  local configure='rm -rf out && cmake -S project -B out'
  check_build_chain "$configure"
}

# bash runs a lone command in its own process (exec, no fork): the g++ driver is the root here.
gxx_compile() {
  cat >small.cpp <<'EOF'
#include <map>
#include <string>
#include <vector>

std::map<std::string, std::vector<int>> index_words(const std::vector<std::string>& words) {
  std::map<std::string, std::vector<int>> index;
  for (int i = 0; i < int(words.size()); ++i) index[words[i]].push_back(i);
  return index;
}
EOF
  local compile='g++ -O1 -c small.cpp -o small.o'
  check_build_chain "$compile"
}

# ---- running them --------------------------------------------------------------------------

# run_case NAME FUNCTION: one case in a folder and a subshell of its own, so that its
# environment, an unexpected error in it, or its leftovers stay there.
run_case() {
  current=$1
  cases+=("$1")
  echo "corpus: $current"
  mkdir "$work/$current"
  segments >"$work/$current.segments"
  set +e
  (
    set -e
    cd "$work/$current"
    "$2"
  )
  local status=$?
  set -e
  ((status == 0)) || problem error "the case stopped on an unexpected error (exit $status)"
  local left
  left=$(left_segments "$work/$current.segments")
  [[ -z $left ]] || problem shm "$(wc -w <<<"$left") shared-memory segments left behind (${left%% *} ...)"
}

# table_row NAME: outcome, seconds alone and under leakrank, and the slowdown. A server's time
# is its whole session: start, the clients' requests, stop.
table_row() {
  local dir=$work/$1 outcome=ok alone=- recorded=-
  [[ -s $work/$1.problems ]] && outcome=$(awk -F'\t' '!seen[$1]++ { print $1 }' "$work/$1.problems" | paste -sd, -)
  [[ -e $dir/alone.us ]] && alone=$(<"$dir/alone.us")
  [[ -e $dir/run.us ]] && recorded=$(<"$dir/run.us")
  awk -v name="$1" -v outcome="$outcome" -v alone="$alone" -v recorded="$recorded" 'BEGIN {
    a = alone == "-" ? "-" : sprintf("%.2f", alone / 1e6)
    r = recorded == "-" ? "-" : sprintf("%.2f", recorded / 1e6)
    slowdown = (alone == "-" || recorded == "-" || outcome ~ /hang/) ? "-" : sprintf("%.1fx", recorded / alone)
    printf "%-16s %-28s %9s %11s %9s\n", name, outcome, a, r, slowdown
  }'
}

cases=()
segments >"$work/segments.before"

#        case            function           what it exercises
run_case java-version    java_version     # JVM start-up: a dozen threads before main
run_case java-threads    java_threads     # javac in the JVM, then a map grown by 4 threads
run_case ruby-threads    ruby_threads     # 4 Ruby threads appending to arrays
run_case perl-hash       perl_hash        # a hash of 100000 keys
run_case python-threads  python_threads   # 4 threads filling dicts
run_case python-pool     python_pool      # multiprocessing.Pool(2), --include-children
run_case node-map        node_map         # V8 and a Map of 200000 entries, in pages mprotect commits
run_case git             git_commits      # init, 3 commits, log: a git process per command
run_case sqlite3         sqlite_rows      # 10000 rows from a recursive CTE
run_case nginx           nginx_workers    # master and 2 workers answering curl, SIGQUIT
run_case redis           redis_benchmark  # redis-server (jemalloc) under redis-benchmark
run_case make            make_build       # bash, make -j2, gcc, cc1, as, collect2, ld
run_case cmake           cmake_configure  # cmake's compiler checks: nested builds
run_case g++             gxx_compile      # g++, cc1plus, as

left=$(left_segments "$work/segments.before")
# Reported below; removed so that they do not pile up in /dev/shm run after run.
for segment in $left; do rm -f "/dev/shm/$segment"; done

echo
printf '%-16s %-28s %9s %11s %9s\n' case outcome "alone (s)" "leakrank (s)" slowdown
failed=()
for name in "${cases[@]}"; do
  table_row "$name"
  if [[ -s $work/$name.problems ]]; then failed+=("$name"); fi
done
for name in "${failed[@]}"; do
  sed "s/^/  $name: /; s/\t/: /" "$work/$name.problems"
done
verdict=()
((${#failed[@]} == 0)) || verdict+=("${#failed[@]} of ${#cases[@]} programs did not run under leakrank as they do alone: ${failed[*]}")
[[ -z $left ]] || verdict+=("$(wc -w <<<"$left") shared-memory segments left behind by the corpus (${left%% *} ...)")
((${#verdict[@]} == 0)) || fail "$(printf '%s; ' "${verdict[@]}" | sed 's/; $//')"
echo "corpus: ok"
