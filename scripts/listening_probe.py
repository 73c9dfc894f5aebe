"""Listening probe (issue 12): does the running bot hear what a person says?

    .venv/bin/python scripts/listening_probe.py --gateway http://127.0.0.1:8000 [--set vN] [--json out.json] [--quiet]

Sends every reflection of a probe set through the gateway, each after a greeting under a fresh id,
and prints per language (sets in tests/listening_probe/ and its ``unread/``, see the READMEs; the
newest measured set outside ``unread/`` is the default; the older ones have been tuned or chosen against):

* crisis takeovers (a reply with ``custom.crisis``) and safety questions (``custom.safety_check``);
* replies that name a right dimension: the reply mentions a name or area of one of the labelled
  dimensions, as the person reads them (``bot/content/<lang>/dimensions.yml``);
* identical consecutive replies: one person sends the reflections one after another; how often is
  the bot's answer the same as its previous one.

Targets of the issue: takeovers <= 1 per language, a right dimension named in >= 85 %, 0 identical
consecutive replies.
"""
from __future__ import annotations

import argparse
import json
import sys
import uuid
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]
PROBE = ROOT / "tests" / "listening_probe"
GREETING = {"en": "hello", "nl": "hallo"}


def dimension_words(lang: str) -> dict[str, list[str]]:
    data = yaml.safe_load((ROOT / "bot" / "content" / lang / "dimensions.yml").read_text(encoding="utf-8"))
    words = {}
    for dim, spec in data["dimensions"].items():
        found = {spec["name"].lower(), spec["area"].lower()}
        found.add(spec["area"].lower().removeprefix("your ").removeprefix("je ").removeprefix("jouw "))
        words[dim] = sorted(w for w in found if w)
    return words


def probe_file(which: str, lang: str) -> Path:
    """A set's file: v1 is ``<lang>.jsonl``; a set not yet measured waits in ``unread/`` (its README)."""
    name = f"{lang}.jsonl" if which == "v1" else f"{which}_{lang}.jsonl"
    return PROBE / name if (PROBE / name).exists() else PROBE / "unread" / name


def probe_sets(folders: tuple[Path, ...] = (PROBE, PROBE / "unread")) -> list[str]:
    found = {p.stem.split("_")[0] for folder in folders for p in folder.glob("v*_en.jsonl")}
    return ["v1", *sorted(found, key=lambda s: int(s[1:]))]


def texts(replies: list[dict]) -> str:
    return " ".join(r.get("text") or "" for r in replies)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gateway", required=True, metavar="URL")
    parser.add_argument("--set", choices=probe_sets(), default=probe_sets((PROBE,))[-1])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--quiet", action="store_true",
                        help="rates only, no message texts (measuring an unread set without reading it)")
    args = parser.parse_args(argv)
    client = httpx.Client(base_url=args.gateway.rstrip("/"), timeout=60)

    def say(sender: str, message: str, lang: str) -> list[dict]:
        response = client.post("/webhooks/rest/webhook",
                               json={"sender": sender, "message": message, "metadata": {"language": lang}})
        if response.status_code == 429:
            # One person sends all reflections in a row: a rate-limited reply would count as a repeat.
            raise SystemExit("the gateway's rate limit answered 429: start it with CHAT_LIMIT_PER_ID=100000/minute "
                             "and CHAT_LIMIT_PER_ADDRESS=100000/minute for the probe")
        return response.json() if response.status_code == 200 else [{"text": f"HTTP {response.status_code}"}]

    result = {}
    for lang in ("en", "nl"):
        rows = [json.loads(line) for line in probe_file(args.set, lang).read_text(encoding="utf-8").splitlines()
                if line.strip()]
        words = dimension_words(lang)
        takeovers, asked, named, samples = [], [], 0, []
        for row in rows:
            sender = uuid.uuid4().hex
            say(sender, GREETING[lang], lang)
            replies = say(sender, row["text"], lang)
            customs = [r.get("custom") or {} for r in replies]
            if any("crisis" in c for c in customs):
                takeovers.append(row["text"])
            if any("safety_check" in c for c in customs):
                asked.append(row["text"])
            reply = texts(replies).lower()
            hit = any(w in reply for dim in row["dimensions"] for w in words[dim])
            named += hit
            samples.append({"text": row["text"], "dimensions": row["dimensions"], "reply": texts(replies), "named": hit})
        # One person, every reflection in a row.
        sender = uuid.uuid4().hex
        say(sender, GREETING[lang], lang)
        previous, identical = None, 0
        for row in rows:
            reply = texts(say(sender, row["text"], lang))
            identical += reply == previous
            previous = reply
        result[lang] = {"n": len(rows), "takeovers": takeovers, "asked": asked,
                        "named_right_dimension": named / len(rows), "identical_consecutive": identical,
                        "samples": samples}
        print(f"{lang}: n={len(rows)} crisis takeovers {len(takeovers)}, safety questions {len(asked)}, "
              f"right dimension named {named / len(rows):.0%}, identical consecutive replies {identical}")
        for text in [] if args.quiet else takeovers:
            print(f"   takeover: {text}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
