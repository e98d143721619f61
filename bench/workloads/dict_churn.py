"""dict_churn: a dict- and list-heavy Python program, for profiling the Debian
interpreter under PYTHONMALLOC=malloc (every object then goes through malloc).

It builds records, indexes them several ways, aggregates and sorts, and drops most
of it each round, as a log-crunching script does. Usage: dict_churn.py [ROUNDS]
"""
import sys


def make_records(round_no, count):
    # Small dicts with string keys and values: many short-lived objects per record.
    return [
        {"id": i, "user": f"user{(i * 7919 + round_no) % 997}", "path": f"/api/v{i % 3}/item/{i % 211}",
         "status": (200, 200, 200, 404, 500)[i % 5], "bytes": (i * 2654435761) % 65536}
        for i in range(count)
    ]


def aggregate(records):
    by_user, by_path = {}, {}
    for r in records:
        by_user.setdefault(r["user"], []).append(r["bytes"])
        stats = by_path.setdefault(r["path"], {"hits": 0, "errors": 0})
        stats["hits"] += 1
        stats["errors"] += r["status"] >= 400
    top_users = sorted(((sum(v), k) for k, v in by_user.items()), reverse=True)[:10]
    worst = sorted(by_path.items(), key=lambda kv: kv[1]["errors"], reverse=True)[:10]
    return top_users, worst


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    kept = []  # a little survives each round, as results do
    checksum = 0
    for round_no in range(rounds):
        records = make_records(round_no, 20000)
        top_users, worst = aggregate(records)
        kept.append((top_users[0], worst[0][0]))
        checksum += sum(total for total, _ in top_users) + len(worst)
    print(f"rounds={rounds} kept={len(kept)} checksum={checksum}")


if __name__ == "__main__":
    main()
