"""Evaluate crisis detection per language and per band, on the blind sets by default.

    .venv/bin/python scripts/crisis_eval.py                          # the detector in-process (CLI path)
    .venv/bin/python scripts/crisis_eval.py --no-embeddings          # lexicon + context only
    .venv/bin/python scripts/crisis_eval.py --gateway http://127.0.0.1:8000   # a running gateway
    .venv/bin/python scripts/crisis_eval.py --json out.json FILE...  # other labelled files
    .venv/bin/python scripts/crisis_eval.py --quiet                  # rates only, no message texts

Bands: "crisis" (the full response), "ask" (the direct safety question), "none". Through the
gateway each message goes out under a fresh random id; a reply with ``custom.crisis`` counts as the
full response, one with ``custom.safety_check`` as the question. Targets of the crisis issue
(per language): crisis messages full-or-ask >= 98 % and full >= 90 %; ordinary messages full <= 3 %
and ask <= 10 %. The blind sets were written by someone who had seen neither the corpora nor the
lexicon; never tune on them, and never copy their lines into a training file (a test checks).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BLIND = sorted((ROOT / "tests" / "crisis_corpus" / "blind").glob("*.jsonl"))
TARGETS = {"crisis_full_or_ask": 0.98, "crisis_full": 0.90, "ordinary_full": 0.03, "ordinary_ask": 0.10}


def load(paths: list[Path]) -> list[dict]:
    rows = []
    for path in paths:
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def cli_band(use_embeddings: bool):
    from bot.crisis import detect, warm_up

    if use_embeddings:
        warm_up(background=False)

    def band(row: dict) -> str:
        verdict = detect(row["text"], row["lang"], use_embeddings=use_embeddings)
        return getattr(verdict, "band", "crisis" if verdict.crisis else "none")

    return band


def gateway_band(url: str, timeout: float):
    import httpx

    client = httpx.Client(base_url=url.rstrip("/"), timeout=timeout)

    def band(row: dict) -> str:
        body = {"sender": uuid.uuid4().hex, "message": row["text"],
                "metadata": {"language": row["lang"]}}
        for attempt in range(3):
            response = client.post("/webhooks/rest/webhook", json=body)
            if response.status_code != 503:
                break
            time.sleep(2 * (attempt + 1))
        if response.status_code == 503:
            return "error"
        if response.status_code == 429:
            sys.exit("error: the gateway's per-address rate limit answered; start it with "
                     "CHAT_LIMIT_PER_ADDRESS=100000/minute for an evaluation run")
        response.raise_for_status()
        customs = [r.get("custom") or {} for r in response.json()]
        if any("crisis" in c for c in customs):
            return "crisis"
        if any("safety_check" in c for c in customs):
            return "ask"
        return "none"

    return band


def evaluate(rows: list[dict], band) -> dict:
    out: dict = {}
    started = time.perf_counter()
    for row in rows:
        row["band"] = band(row)
    elapsed = time.perf_counter() - started
    for lang in sorted({r["lang"] for r in rows}):
        mine = [r for r in rows if r["lang"] == lang]
        crisis = [r for r in mine if r["crisis"]]
        ordinary = [r for r in mine if not r["crisis"]]

        def share(group, bands):
            return sum(r["band"] in bands for r in group) / len(group) if group else 0.0

        per_category: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for r in mine:
            per_category[r.get("category", "?")][r["band"]] += 1
        out[lang] = {
            "crisis": len(crisis), "ordinary": len(ordinary),
            "crisis_full": share(crisis, {"crisis"}),
            "crisis_full_or_ask": share(crisis, {"crisis", "ask"}),
            "ordinary_full": share(ordinary, {"crisis"}),
            "ordinary_ask": share(ordinary, {"ask"}),
            "errors": sum(r["band"] == "error" for r in mine),
            "missed": [r["text"] for r in crisis if r["band"] not in ("crisis", "ask")],
            "asked_only": [r["text"] for r in crisis if r["band"] == "ask"],
            "false_full": [r["text"] for r in ordinary if r["band"] == "crisis"],
            "false_ask": [r["text"] for r in ordinary if r["band"] == "ask"],
            "per_category": {k: dict(v) for k, v in sorted(per_category.items())},
        }
    out["seconds"] = round(elapsed, 1)
    return out


def meets_targets(lang_result: dict) -> bool:
    return (lang_result["crisis_full_or_ask"] >= TARGETS["crisis_full_or_ask"]
            and lang_result["crisis_full"] >= TARGETS["crisis_full"]
            and lang_result["ordinary_full"] <= TARGETS["ordinary_full"]
            and lang_result["ordinary_ask"] <= TARGETS["ordinary_ask"])


def print_report(result: dict, title: str, quiet: bool = False) -> None:
    print(f"== {title}")
    for lang, res in result.items():
        if lang == "seconds":
            continue
        print(f"{lang}: crisis n={res['crisis']}: full {res['crisis_full']:.1%}, full or ask "
              f"{res['crisis_full_or_ask']:.1%} | ordinary n={res['ordinary']}: full {res['ordinary_full']:.1%}, "
              f"ask {res['ordinary_ask']:.1%}" + (f" | errors {res['errors']}" if res["errors"] else "")
              + ("  [targets met]" if meets_targets(res) else ""))
        if quiet:
            continue
        for key, label in (("missed", "missed (no response)"), ("asked_only", "crisis asked only"),
                           ("false_full", "ordinary with full response"), ("false_ask", "ordinary asked")):
            for text in res[key]:
                print(f"   {label}: {text}")
    print(f"({result['seconds']} s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, help="labelled JSON lines (default: the blind sets)")
    parser.add_argument("--gateway", metavar="URL", help="evaluate a running gateway instead of the detector")
    parser.add_argument("--no-embeddings", action="store_true", help="detector without its semantic layers")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--json", type=Path, help="also write the full result here")
    parser.add_argument("--quiet", action="store_true",
                        help="rates only, no message texts (measuring a blind set without reading it)")
    args = parser.parse_args(argv)
    paths = args.files or BLIND
    if not paths:
        parser.error("no blind sets found in tests/crisis_corpus/blind/ and no files given")
    rows = load(paths)
    if args.gateway:
        band, title = gateway_band(args.gateway, args.timeout), f"gateway {args.gateway}"
    else:
        band = cli_band(not args.no_embeddings)
        title = "detector (rules + context)" if args.no_embeddings else "detector (all layers: what answers without the engine)"
    result = evaluate(rows, band)
    print_report(result, f"{title} on {', '.join(p.name for p in paths)}", quiet=args.quiet)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
