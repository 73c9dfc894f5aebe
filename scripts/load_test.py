"""Load test (not a test of the suite): the scaled-out stack under a realistic mix, with locust.

For each number of engines it starts the stack on a fresh PostgreSQL database (Redis locks), lets
1, 20 and 50 simulated people talk to it through the gateway (scripts/load/locustfile.py: greetings,
whole check-ins, free reflections, focusing, crisis messages; English and Dutch), and prints per-turn
p50/p95/p99, throughput and errors, then checks against the database that every message sent was
stored once and in order, that the engines took every forwarded turn once and in order, and that
each check-in holds its own person's numbers. Loopback only; bounded in users and time.

    .venv/bin/python scripts/load_test.py [--engines 1 2] [--users 1 20 50] [--seconds 60]

locust lives in its own venv (.venv-load, made on first use) so it cannot shift the app's pins.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import uuid
from collections import defaultdict
from pathlib import Path

import httpx
import stack as stack_module
from sqlalchemy import create_engine, text

from bot.config import Settings

ROOT = stack_module.ROOT
LOAD_VENV = ROOT / ".venv-load"
LOCUST_PIN = "locust==2.47.0"
PG_ADMIN = os.environ.get("LOAD_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# Turns the engine takes as they were sent (the gateway answers crisis messages itself and starts
# named exercises by their button, so those conversations are only checked in the app database).
TRACKED_SCENARIOS = {"greeting", "reflection", "check_in"}


def ensure_locust() -> Path:
    locust = LOAD_VENV / "bin" / "locust"
    if not locust.exists():
        stack_module._say(f"installing {LOCUST_PIN} into {LOAD_VENV.name} (first time only)")
        subprocess.run([sys.executable, "-m", "venv", str(LOAD_VENV)], check=True)
        subprocess.run([str(LOAD_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", LOCUST_PIN], check=True)
    return locust


def run_locust(locust: Path, host: str, users: int, seconds: int, out: Path) -> dict:
    log = out / f"turns-{users}.jsonl"
    prefix = out / f"stats-{users}"
    command = [str(locust), "-f", str(ROOT / "scripts" / "load" / "locustfile.py"), "--headless",
               "-u", str(users), "-r", str(max(1, users // 5)), "-t", f"{seconds}s", "--host", host,
               "--csv", str(prefix), "--only-summary", "--stop-timeout", "60"]
    subprocess.run(command, env={**os.environ, "LOAD_LOG": str(log)}, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    with open(f"{prefix}_stats.csv") as handle:
        total = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
    return {"log": log, "requests": int(total["Request Count"]), "failures": int(total["Failure Count"]),
            "p50": float(total["50%"]), "p95": float(total["95%"]), "p99": float(total["99%"]),
            "rps": float(total["Requests/s"])}


def check(log: Path, database_url: str, api_url: str) -> dict:
    """Nothing lost, nothing doubled, order kept, no conversation answered with another's data."""
    sent: dict[str, list[dict]] = defaultdict(list)
    for line in log.read_text().splitlines():
        turn = json.loads(line)
        sent[turn["sender"]].append(turn)
    engine = create_engine(Settings(database_url=database_url).sqlalchemy_url)
    problems = {"lost": 0, "duplicated": 0, "out_of_order": 0, "tracker_mismatch": 0, "check_in_mismatch": 0}
    with engine.connect() as connection:
        for sender, turns in sent.items():
            turns.sort(key=lambda t: t["seq"])
            expected = [t["text"] for t in turns if t["status"] != 429]
            stored = connection.execute(text(
                "SELECT text FROM messages WHERE person_id = :id AND role = 'user' ORDER BY id"), {"id": sender}
            ).scalars().all()
            problems["lost"] += sum(max(0, expected.count(t) - stored.count(t)) for t in set(expected))
            problems["duplicated"] += sum(max(0, stored.count(t) - expected.count(t)) for t in set(stored))
            if sorted(stored) == sorted(expected) and stored != expected:
                problems["out_of_order"] += 1
            if turns[0]["scenario"] in TRACKED_SCENARIOS and all(t["status"] == 200 for t in turns):
                tracked = [json.loads(data).get("text") for data in connection.execute(text(
                    "SELECT data FROM events WHERE sender_id = :id AND type_name = 'user' ORDER BY id"),
                    {"id": sender}).scalars().all()]
                if tracked != expected:
                    problems["tracker_mismatch"] += 1
            if turns[0]["scenario"] == "check_in" and len(turns) == 17 and all(t["status"] == 200 for t in turns):
                mine = httpx.get(f"{api_url}/api/me/{sender}/checkins", timeout=30).json()["checkins"]
                answers = mine[0]["answers"] if mine else {}
                numbers = turns[0]["numbers"]
                got = [[answers.get(d, {}).get("investment"), answers.get(d, {}).get("fulfilment")]
                       for d in ("physical", "social", "psychological", "spiritual")]
                if got != numbers:
                    problems["check_in_mismatch"] += 1
    engine.dispose()
    problems["conversations"] = len(sent)
    problems["turns"] = sum(len(t) for t in sent.values())
    return problems


def fresh_database() -> tuple[str, str]:
    import psycopg

    name = f"wb_load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return name, PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure(engines: int, levels: list[int], seconds: int, locust: Path, out: Path) -> list[dict]:
    name, url = fresh_database()
    stack = stack_module.Stack(
        api_port=stack_module.free_port(), rasa_port=stack_module.free_port(), action_port=stack_module.free_port(),
        var_dir=out / f"var-{engines}", model=stack_module.ensure_model(quiet=True), engines=engines,
        extra_env={"DATABASE_URL": url, "REDIS_URL": REDIS, "CHAT_LIMIT_PER_ID": "100000/minute",
                   "CHAT_LIMIT_PER_ADDRESS": "100000/minute", "CASE_LIMIT_PER_ADDRESS": "100000/hour"},
    )
    rows = []
    try:
        stack.start()
        stack_module._say(f"{engines} engine(s): ready after {stack.wait_ready(timeout_s=600):.0f} s")
        for users in levels:
            result = run_locust(locust, stack.api_url, users, seconds, out / f"e{engines}")
            result.update(check(result.pop("log"), url, stack.api_url), engines=engines, users=users)
            stack_module._say(json.dumps(result))
            rows.append(result)
    finally:
        stack.stop_all()
        drop_database(name)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--users", type=int, nargs="+", default=[1, 20, 50])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--out", type=Path, default=None, help="keep locust's CSVs and the turn logs here")
    args = parser.parse_args()
    locust = ensure_locust()
    out = args.out or Path(tempfile.mkdtemp(prefix="load-"))
    for engines in args.engines:
        (out / f"e{engines}").mkdir(parents=True, exist_ok=True)
    rows = [row for engines in args.engines for row in measure(engines, args.users, args.seconds, locust, out)]
    print(f"\nper-turn latency through the gateway ({args.seconds} s per level; files in {out})")
    print(f"{'engines':>7} {'users':>5} {'turns':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'turns/s':>7} "
          f"{'errors':>6} {'lost':>4} {'dup':>4} {'order':>5} {'tracker':>7} {'check-in':>8}")
    for r in rows:
        print(f"{r['engines']:>7} {r['users']:>5} {r['requests']:>6} {r['p50']:>7.0f} {r['p95']:>7.0f} {r['p99']:>7.0f} "
              f"{r['rps']:>7.1f} {r['failures']:>6} {r['lost']:>4} {r['duplicated']:>4} {r['out_of_order']:>5} "
              f"{r['tracker_mismatch']:>7} {r['check_in_mismatch']:>8}")
    by = {(r["engines"], r["users"]): r for r in rows}
    for users in args.users:
        one, two = by.get((1, users)), by.get((2, users))
        if one and two:
            print(f"{users:>3} users, two engines / one: p50 {two['p50'] / max(one['p50'], 1):.2f}, "
                  f"p95 {two['p95'] / max(one['p95'], 1):.2f}, throughput {two['rps'] / max(one['rps'], 0.01):.2f}")


if __name__ == "__main__":
    main()
