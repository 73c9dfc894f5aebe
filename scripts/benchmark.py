"""Benchmark (not a test): the gateway against the raw Rasa engine, in one run on this machine.

Measures the time until /health reports the dialogue engine ready, then turn latency p50/p95 for
the same messages sent through the gateway and straight to Rasa's REST webhook, at 1 and at 20
concurrent simulated users, and resident memory of each service. Prints a table and the ratios.
First, the crisis detector alone (all layers, in this process, warm) on every labelled crisis
message of the repository: p50/p95 per message (the crisis issue's bar is p95 <= 30 ms), and its
share of a raw Rasa turn measured in the same run.

    .venv/bin/python scripts/benchmark.py [--turns 40] [--users 1 20] [--detector-only] [--model M]
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import stack as stack_module

MESSAGES = [("hello", "en"), ("what is the model about?", "en"), ("hallo", "nl"), ("wat kan je doen?", "nl"),
            ("thanks", "en"), ("tot ziens", "nl")]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


async def simulate(url: str, users: int, turns: int) -> list[float]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=users)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        async def user(index: int) -> None:
            sender = uuid.uuid4().hex  # the gateway takes only unguessable ids
            for turn in range(turns):
                message, language = MESSAGES[turn % len(MESSAGES)]
                body = {"sender": sender, "message": message, "metadata": {"language": language}}
                started = time.perf_counter()
                response = await client.post(url, json=body)
                latencies.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()

        await asyncio.gather(*(user(i) for i in range(users)))
    return latencies


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, from /proc."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            pids.extend(int(child) for child in children)
        except OSError:
            continue
    return total / 1024


def detector_latency() -> list[float]:
    """Per-message time of the crisis detector (all layers, warm, no cache hits)."""
    import json
    import sys

    sys.path.insert(0, str(stack_module.ROOT))
    from bot.crisis import detect, warm_up

    warm_up(background=False)
    rows = []
    for path in sorted((stack_module.ROOT / "tests" / "crisis_corpus").rglob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if isinstance(r.get("text"), str)]
    timings = []
    for index, row in enumerate(rows):
        text = f"{row['text']} ({index})"  # never a cache hit
        started = time.perf_counter()
        detect(text, row.get("lang", "en"))
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def context_rules_latency(count: int = 150) -> list[float]:
    """Per-message time of the rules alone after five context lines (the context's own readings
    cached, as in a conversation where each was a message); was a timing test before, but wall-clock
    bars belong here, not in the suite."""
    import json
    import sys

    sys.path.insert(0, str(stack_module.ROOT))
    from bot.crisis import detect

    path = stack_module.ROOT / "tests" / "crisis_corpus" / "en.jsonl"
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    context = ["work was awful today", "i can't sleep", "i want to die", "nobody would notice", "whatever"]
    for text in context:
        detect(text, "en", use_embeddings=False)
    timings = []
    for index, text in enumerate(texts[:count]):
        started = time.perf_counter()
        detect(f"{text} ({index})", "en", use_embeddings=False, context=context)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=30, help="turns per simulated user")
    parser.add_argument("--users", type=int, nargs="+", default=[1, 20])
    parser.add_argument("--detector-only", action="store_true", help="only the crisis detector, no stack")
    parser.add_argument("--model", type=Path, help="a trained model to serve (default: the current one), e.g. to "
                                                   "compare two pipelines run after run")
    args = parser.parse_args()

    detector = detector_latency()
    print(f"crisis detector (all layers), {len(detector)} messages: p50 {statistics.median(detector):.1f} ms, "
          f"p95 {percentile(detector, 95):.1f} ms, max {max(detector):.1f} ms")
    with_context = context_rules_latency()
    print(f"crisis rules after five context lines, {len(with_context)} messages: "
          f"p50 {statistics.median(with_context):.1f} ms, p95 {percentile(with_context, 95):.1f} ms")
    if args.detector_only:
        return

    model = args.model or stack_module.ensure_model(quiet=True)
    var_dir = Path(tempfile.mkdtemp(prefix="wb-bench-"))
    stack = stack_module.Stack(
        api_port=stack_module.free_port(), rasa_port=stack_module.free_port(),
        action_port=stack_module.free_port(), var_dir=var_dir, model=model,
        # Every simulated user comes from 127.0.0.1: lift the per-address limit for the measurement.
        extra_env={"DATABASE_URL": "", "CHAT_LIMIT_PER_ADDRESS": "100000/minute"},
    )
    started = time.monotonic()
    stack.start()
    try:
        api_up = None
        while api_up is None:
            if stack.health():
                api_up = time.monotonic() - started
            time.sleep(0.2)
        stack.wait_ready(timeout_s=420)
        ready = time.monotonic() - started
        rows = []
        for users in args.users:
            turns = args.turns if users == 1 else max(5, args.turns // 3)
            raw = asyncio.run(simulate(stack.rasa_url + "/webhooks/rest/webhook", users, turns))
            gateway = asyncio.run(simulate(stack.api_url + "/webhooks/rest/webhook", users, turns))
            rows.append((users, len(raw), raw, gateway))
        memory = {name: rss_mb(process.pid) for name, process in stack.processes.items()}
    finally:
        stack.stop_all()

    print()
    print(f"API answering /health after {api_up:.1f} s; all components ready after {ready:.1f} s")
    print()
    print(f"{'users':>5} {'turns':>6} | {'raw p50':>8} {'raw p95':>8} | {'gw p50':>8} {'gw p95':>8} | "
          f"{'ratio p50':>9} {'ratio p95':>9}")
    print("-" * 78)
    single = next((raw for users, _, raw, _ in rows if users == 1), None)
    if single:
        print(f"crisis detector p95 / raw Rasa p50 at 1 user: {percentile(detector, 95) / statistics.median(single):.2f}")
    for users, count, raw, gateway in rows:
        raw50, raw95 = statistics.median(raw), percentile(raw, 95)
        gw50, gw95 = statistics.median(gateway), percentile(gateway, 95)
        print(f"{users:>5} {count:>6} | {raw50:>7.1f}ms {raw95:>7.1f}ms | {gw50:>7.1f}ms {gw95:>7.1f}ms | "
              f"{gw50 / raw50:>9.2f} {gw95 / raw95:>9.2f}")
    print()
    print("resident memory: " + ", ".join(f"{name} {mb:.0f} MB" for name, mb in memory.items()))
    if "rasa" in memory:
        others = sum(mb for name, mb in memory.items() if name != "rasa")
        print(f"gateway + actions memory / raw Rasa memory: {others / memory['rasa']:.2f}")


if __name__ == "__main__":
    main()
