#!/usr/bin/env python3
"""Overhead benchmark: leakrank against heaptrack and valgrind's massif.

Runs every workload uninstrumented and under each profiler, several times and
interleaved, then prints wall time, peak memory and recording size side by side,
and how fast each tool's analyzer reads its recording. See bench/README.md.
"""
import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent

# Debian package for each tool the benchmark runs.
PACKAGES = {"/usr/bin/python3": "python3", "node": "nodejs", "sqlite3": "sqlite3", "heaptrack": "heaptrack",
            "heaptrack_print": "heaptrack", "valgrind": "valgrind", "/usr/bin/time": "time",
            "zstd": "zstd"}


def ensure_tools():
    missing = sorted({pkg for tool, pkg in PACKAGES.items() if not shutil.which(tool)})
    if not missing:
        return
    print(f"installing {' '.join(missing)}", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=True, env=env, stdout=subprocess.DEVNULL)


def sqlite_script(path, rows):
    """An indexed table built in one transaction: B-tree splits and page cache churn."""
    with open(path, "w") as out:
        out.write("PRAGMA journal_mode=OFF;\nBEGIN;\n"
                  "CREATE TABLE events(id INTEGER PRIMARY KEY, user TEXT, path TEXT, status INT, bytes INT);\n")
        for i in range(rows):
            out.write(f"INSERT INTO events VALUES({i},'user{i * 7919 % 997}','/api/v{i % 3}/item/{i % 211}',"
                      f"{(200, 200, 404, 500)[i % 4]},{i * 2654435761 % 65536});\n")
        out.write("CREATE INDEX by_user ON events(user, bytes);\nCREATE INDEX by_path ON events(path, status);\n"
                  "COMMIT;\nSELECT count(*), sum(bytes) FROM events WHERE status >= 400;\n")


def workloads(build, work, quick):
    """name -> (command, extra environment, whether massif runs on it). Quick sizes are a smoke test."""
    pick = (lambda full, small: small) if quick else (lambda full, small: full)
    churn = str(build / "bench" / "churn")
    tokenizer = str(build / "samples" / "tokenizer" / "tokenizer")
    sql = work / "build_table.sql"
    sqlite_script(sql, pick(200_000, 2_000))
    python = {"PYTHONMALLOC": "malloc"}  # every object through malloc, where the profilers look
    return {
        "churn": ([churn, "--threads", "2", "--pairs", str(pick(10_000_000, 200_000))], {}, False),
        "churn-small": ([churn, "--threads", "2", "--pairs", str(pick(200_000, 20_000))], {}, True),
        "tokenizer-1t": ([tokenizer, "--docs", str(pick(100_000, 2_000)), "--threads", "1"], {}, False),
        "tokenizer-2t": ([tokenizer, "--docs", str(pick(100_000, 2_000)), "--threads", "2"], {}, False),
        "tokenizer-small": ([tokenizer, "--docs", str(pick(5_000, 500)), "--threads", "1"], {}, True),
        "python-dict": (["/usr/bin/python3", str(BENCH / "workloads" / "dict_churn.py"), str(pick(20, 1))],
                        python, False),
        # The default allocator: leakrank wraps pymalloc and records each object's Python frames.
        "python-pymalloc": (["/usr/bin/python3", str(BENCH / "workloads" / "dict_churn.py"), str(pick(20, 1))],
                            {}, False),
        "pyservice": (["/usr/bin/python3", str(build / "samples" / "pyservice" / "pyservice.py"), "--requests",
                       str(pick(3000, 300))], {}, False),
        "sqlite-index": (["sqlite3", ":memory:", f".read {sql}"], {}, False),
        # V8 commits its heap pages with mprotect: leakrank follows them, heaptrack sees malloc only.
        "node-heap": (["node", str(BENCH / "workloads" / "node_heap.js"), str(pick(30, 2))], {}, False),
    }


def tools(leakrank):
    """tool -> function(command, output stem) giving the profiler command and its recording path."""
    return {
        "none": lambda cmd, out: (cmd, None),
        "leakrank": lambda cmd, out: ([leakrank, "run", "-o", f"{out}.lrk", "--", *cmd], f"{out}.lrk"),
        "leakrank-sampled": lambda cmd, out: (
            [leakrank, "run", "--sample-bytes", "512KiB", "-o", f"{out}.lrk", "--", *cmd], f"{out}.lrk"),
        "heaptrack": lambda cmd, out: (["heaptrack", "-o", out, *cmd], f"{out}.zst"),
        "massif": lambda cmd, out: (["valgrind", "--tool=massif", f"--massif-out-file={out}.massif", *cmd],
                                    f"{out}.massif"),
    }


class PssSampler(threading.Thread):
    """Peak of the summed PSS of a process tree. /usr/bin/time reports the largest single
    process only, and plain RSS would count the shared-memory rings twice."""

    def __init__(self, root_pid, period=0.05):
        super().__init__(daemon=True)
        self.root, self.period, self.peak, self.done = root_pid, period, 0, threading.Event()

    def tree(self):
        pids, queue = [], [self.root]
        while queue:
            pid = queue.pop()
            pids.append(pid)
            try:
                for task in os.listdir(f"/proc/{pid}/task"):
                    queue += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
            except OSError:
                pass
        return pids

    def run(self):
        while not self.done.wait(self.period):
            total = 0
            for pid in self.tree():
                try:
                    m = re.search(r"^Pss:\s+(\d+)", Path(f"/proc/{pid}/smaps_rollup").read_text(), re.M)
                    total += int(m.group(1)) * 1024 if m else 0
                except OSError:
                    pass
            self.peak = max(self.peak, total)


def measure(command, env, work):
    """Wall time, CPU time of the whole tree, exit code, largest single-process RSS (time -v) and
    summed tree PSS of one run. CPU time is the steadier measure when other work loads the machine."""
    timing = work / "time.txt"
    full = ["/usr/bin/time", "-v", "-o", str(timing), *command]
    start = time.monotonic()
    proc = subprocess.Popen(full, env=dict(os.environ, **env), cwd=work,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = PssSampler(proc.pid)
    sampler.start()
    _, err = proc.communicate()
    wall = time.monotonic() - start
    sampler.done.set()
    sampler.join()
    text = timing.read_text() if timing.exists() else ""
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", text))
    return {"wall_s": wall, "cpu_s": cpu, "exit": proc.returncode, "max_rss": int(m.group(1)) * 1024 if m else None,
            "pss_sum": sampler.peak or None, "stderr": err.decode(errors="replace")[-2000:]}


def timed(command, out_path):
    """Wall and CPU seconds of one analyzer run, its exit code and the end of its stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    with open(out_path, "w") as out:
        proc = subprocess.run(command, stdout=out, stderr=subprocess.PIPE)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, proc.returncode, proc.stderr.decode(errors="replace")[-2000:]


def leakrank_events(leakrank, recording, work, count=True):
    """Events (allocations + frees) and analysis time of `leakrank report --format json`."""
    out = work / "report.json"
    wall, cpu, code, err = timed([leakrank, "report", recording, "--format", "json"], out)
    if code != 0:
        return {"error": err.strip()}
    report = json.loads(out.read_text())
    return {"wall_s": wall, "cpu_s": cpu, "allocations": report["total_allocations"], "frees": report["total_frees"]}


def heaptrack_events(recording, work, count=True):
    """Events and analysis time of `heaptrack_print FILE`. Its summary counts allocation calls but
    not frees, so frees are counted, untimed, as the '-' records of the recording itself."""
    out = work / "heaptrack_print.txt"
    wall, cpu, code, err = timed(["heaptrack_print", recording], out)
    calls = re.search(r"calls to allocation functions: (\d+)", out.read_text(errors="replace"))
    if code != 0 or not calls:
        return {"error": err.strip() or "no summary in heaptrack_print output"}
    frees = None
    if count:
        frees = 0
        with subprocess.Popen(["zstd", "-dc", recording], stdout=subprocess.PIPE) as unpack:
            for line in unpack.stdout:
                frees += line.startswith(b"- ")
    return {"wall_s": wall, "cpu_s": cpu, "allocations": int(calls.group(1)), "frees": frees}


def run_all(args):
    build = Path(args.build).resolve()
    leakrank = str(build / "leakrank")
    if not Path(leakrank).exists():
        sys.exit(f"{leakrank} not found: build leakrank, leakrank_preload, tokenizer and churn in {build}")
    work = Path(tempfile.mkdtemp(prefix="leakrank-bench-"))
    loads = [os.getloadavg()]
    chosen = {k: v for k, v in workloads(build, work, args.quick).items() if not args.only or k in args.only}
    if args.only and len(chosen) != len(args.only):
        sys.exit(f"unknown workload in --only; choose from {', '.join(workloads(build, work, True))}")
    makers = tools(leakrank)
    analyzers = {"leakrank": lambda f, c: leakrank_events(leakrank, f, work, c),
                 "leakrank-sampled": lambda f, c: leakrank_events(leakrank, f, work, c),
                 "heaptrack": lambda f, c: heaptrack_events(f, work, c)}
    runs = {w: {t: [] for t in makers if t != "massif" or chosen[w][2]} for w in chosen}
    analyses = {w: {t: [] for t in analyzers} for w in chosen}

    # Repetition is the outer loop, and the tool order rotates each round, so a burst of
    # load from elsewhere on the machine lands on every tool alike. Each round's recordings
    # are analyzed in the same round, for the same reason.
    for rep in range(args.reps):
        for name, (cmd, env, _) in chosen.items():
            order = list(runs[name])
            order = order[rep % len(order):] + order[:rep % len(order)]
            recordings = {}
            for tool in order:
                command, recording = makers[tool](cmd, str(work / f"{name}.{tool}"))
                result = measure(command, env, work)
                result["bytes"] = os.path.getsize(recording) if recording and os.path.exists(recording) else None
                runs[name][tool].append(result)
                if result["bytes"] is not None:
                    recordings[tool] = recording
                print(f"  rep {rep + 1}/{args.reps} {name:16} {tool:17} {result['wall_s']:8.2f} s"
                      f"  exit {result['exit']}", flush=True)
                loads.append(os.getloadavg())
            for tool, recording in recordings.items():
                if tool in analyzers and runs[name][tool][-1]["exit"] == runs[name]["none"][-1]["exit"]:
                    analyses[name][tool].append(analyzers[tool](recording, rep == 0))

    results = {"when": datetime.datetime.now().isoformat(timespec="seconds"), "host": host_facts(),
               "reps": args.reps, "quick": args.quick, "load_avg_1m": [round(l[0], 2) for l in loads],
               "workloads": {}}
    for name, (cmd, env, _) in chosen.items():
        base_exit = runs[name]["none"][0]["exit"]
        summary = {}
        for tool, samples in runs[name].items():
            ok = all(s["exit"] == base_exit for s in samples)
            summary[tool] = {"ok": ok, "median_wall_s": statistics.median(s["wall_s"] for s in samples),
                             "median_cpu_s": statistics.median(s["cpu_s"] for s in samples),
                             "walls_s": [s["wall_s"] for s in samples], "cpus_s": [s["cpu_s"] for s in samples],
                             "max_rss": max_or_none(s["max_rss"] for s in samples),
                             "pss_sum": max_or_none(s["pss_sum"] for s in samples),
                             "recording_bytes": samples[-1]["bytes"],
                             "error": None if ok else failure(samples, base_exit)}
        for tool in summary:
            summary[tool]["ratio"] = summary[tool]["median_wall_s"] / summary["none"]["median_wall_s"]
            summary[tool]["cpu_ratio"] = summary[tool]["median_cpu_s"] / max(summary["none"]["median_cpu_s"], 0.01)
        analysis = {tool: summarize_analysis(done) for tool, done in analyses[name].items() if done}
        if "leakrank-sampled" in analysis:
            # A sampled recording with every allocation in it means the option was ignored.
            full = analysis.get("leakrank", {}).get("allocations")
            sampled = analysis["leakrank-sampled"]
            summary["leakrank-sampled"]["sampling"] = (
                "rejected" if "error" in sampled else "ignored" if full and sampled["allocations"] == full
                else "active")
        results["workloads"][name] = {"command": cmd, "env": env, "tools": summary, "analysis": analysis}
    shutil.rmtree(work, ignore_errors=True)
    return results


def summarize_analysis(done):
    """Median times over the rounds; counts from the first round (every round records the same program)."""
    failed = [d for d in done if "error" in d]
    if failed:
        return failed[0]
    first = done[0]
    events = first["allocations"] + first["frees"]
    wall = statistics.median(d["wall_s"] for d in done)
    cpu = statistics.median(d["cpu_s"] for d in done)
    return {"allocations": first["allocations"], "frees": first["frees"], "events": events,
            "median_wall_s": wall, "median_cpu_s": cpu, "walls_s": [d["wall_s"] for d in done],
            "events_per_s": events / wall, "events_per_cpu_s": events / max(cpu, 1e-3)}


def failure(samples, expected):
    """Why a tool's runs did not end as the uninstrumented ones did: exit status, then stderr."""
    bad = next(s for s in samples if s["exit"] != expected)
    code = bad["exit"]
    if code > 128 and code - 128 in signal.Signals._value2member_map_:
        code = f"{code} ({signal.Signals(code - 128).name})"
    return f"exit {code}, not {expected}: " + " | ".join(bad["stderr"].strip().splitlines()[-3:])


def max_or_none(values):
    values = [v for v in values if v is not None]
    return max(values) if values else None


def host_facts():
    def version(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return None
    return {"cpus": os.cpu_count(), "kernel": platform.release(), "heaptrack": version(["heaptrack", "--version"]),
            "valgrind": version(["valgrind", "--version"]), "python": version(["/usr/bin/python3", "--version"]),
            "sqlite3": version(["sqlite3", "--version"])}


def mib(n):
    return f"{n / 2**20:.1f}" if n is not None else "-"


def print_tables(results):
    loads = results["load_avg_1m"]
    print(f"\n{results['reps']} repetition(s), interleaved; 1-min load average {min(loads)}..{max(loads)}"
          f" on {results['host']['cpus']} CPUs")
    head = (f"{'workload':16} {'tool':17} {'wall s':>8} {'x base':>7} {'CPU s':>8} {'x base':>7}"
            f" {'maxRSS MiB':>11} {'PSS sum MiB':>12} {'file MiB':>9}")
    print(head + "\n" + "-" * len(head))
    for name, w in results["workloads"].items():
        for tool, t in w["tools"].items():
            times = (f"{t['median_wall_s']:8.2f} {t['ratio']:6.2f}x {t['median_cpu_s']:8.2f}"
                     f" {t['cpu_ratio']:6.2f}x")
            if not t["ok"]:
                print(f"{name:16} {tool:17} {'failed':>8}  {t['error'][:100]}")
            elif t.get("sampling") in ("ignored", "rejected"):
                print(f"{name:16} {tool:17} {'n/a':>8}  (--sample-bytes {t['sampling']}; measured anyway: {times})")
            else:
                print(f"{name:16} {tool:17} {times} {mib(t['max_rss']):>11} {mib(t['pss_sum']):>12}"
                      f" {mib(t['recording_bytes']):>9}")
    head = (f"{'workload':16} {'analyzer':17} {'events':>11} {'wall s':>8} {'events/s':>10} {'CPU s':>8}"
            f" {'events/CPU s':>13}")
    print("\nanalysis of the same recordings, median over the rounds\n" + head + "\n" + "-" * len(head))
    for name, w in results["workloads"].items():
        for tool in ("leakrank", "heaptrack"):
            a = w["analysis"].get(tool)
            label = "leakrank report" if tool == "leakrank" else "heaptrack_print"
            if a is None:
                continue
            if "error" in a:
                print(f"{name:16} {label:17} failed: {a['error'][-120:]}")
            else:
                print(f"{name:16} {label:17} {a['events']:11d} {a['median_wall_s']:8.2f} {a['events_per_s']:10.3g}"
                      f" {a['median_cpu_s']:8.2f} {a['events_per_cpu_s']:13.3g}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=str(REPO / "build"), help="CMake build folder (default: build)")
    parser.add_argument("--reps", type=int, default=3, help="repetitions of every measurement (default 3)")
    parser.add_argument("--quick", action="store_true", help="small sizes and one repetition: a smoke test")
    parser.add_argument("--only", action="append", metavar="WORKLOAD", help="run just this workload (repeatable)")
    args = parser.parse_args()
    if args.quick:
        args.reps = 1
    ensure_tools()
    build = subprocess.run(["cmake", "--build", args.build, "--target", "leakrank", "leakrank_preload", "tokenizer",
                            "churn"], capture_output=True, text=True)
    if build.returncode != 0:
        sys.exit(build.stdout + build.stderr + "\nbuild failed")
    results = run_all(args)
    print_tables(results)
    out = BENCH / "results" / f"{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
