"""Operator audit command: run the crisis detector over JSON lines.

    .venv/bin/python -m bot.crisis [--no-embeddings] [--explain] < messages.jsonl > verdicts.jsonl

Each input line is ``{"text": "...", "lang": "en" | "nl", "context": ["...", ...]}`` (``lang``
defaults to "en"; ``context``, optional, is the person's previous messages, oldest first). Each
output line is ``{"crisis", "severity", "signals", "language"}``, or ``{"error": "..."}`` for a line
that cannot be judged (invalid JSON, no text, unknown language, a context that is not a list of
strings, a blank line), so output line N always belongs to input line N. ``--explain`` adds the
lexicon matches and what was dropped and why, for tuning (and, with a context, which earlier
messages it leant on and the context cues). Exit status: 0, or 2 for bad arguments.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from . import LANGUAGES, detect, warm_up
from . import rules as _rules


def _judge(line: str, use_embeddings: bool, explain: bool) -> dict:
    if not line.strip():
        return {"error": "blank line"}
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"error": f"invalid JSON: {exc.msg} at column {exc.colno}"}
    if not isinstance(item, dict):
        return {"error": "expected a JSON object with \"text\" and \"lang\""}
    text = item.get("text")
    if not isinstance(text, str):
        return {"error": "missing or non-string \"text\""}
    lang = item.get("lang", "en")
    if not isinstance(lang, str) or lang.strip().lower() not in LANGUAGES:
        return {"error": f"unknown lang {lang!r}; expected one of {list(LANGUAGES)}"}
    context = item.get("context", [])
    if not isinstance(context, list) or not all(isinstance(c, str) for c in context):
        return {"error": "\"context\" must be a list of strings (the previous messages, oldest first)"}
    lang = lang.strip().lower()
    out = detect(text, lang, use_embeddings=use_embeddings, context=context).to_dict()
    if explain:
        res = _rules.analyse(text, lang)
        out["explain"] = {
            "normalised": list(res.readings),
            "matches": [{"signal": f.signal, "rule": f.rule, "text": f.text, "note": f.note}
                        for f in res.findings],
            "dropped": [{"rule": d.rule, "text": d.text, "reason": d.reason} for d in res.dropped],
        }
        if context:
            ctx = _rules.analyse_context(text, lang, context, current=res)
            out["explain"]["context"] = {
                "triggers": [context[i] for i in ctx.triggers],
                "matches": [{"signal": f.signal, "rule": f.rule, "text": f.text, "note": f.note}
                            for f in ctx.findings],
                "dropped": [{"rule": d.rule, "text": d.text, "reason": d.reason} for d in ctx.dropped],
            }
    return out


def run(stdin: TextIO, stdout: TextIO, use_embeddings: bool = True, explain: bool = False) -> int:
    if use_embeddings:
        warm_up(background=False)
    for line in stdin:
        try:
            out = _judge(line, use_embeddings, explain)
        except Exception as exc:  # noqa: BLE001 - one bad line must not stop the audit
            out = {"error": f"{type(exc).__name__}: {exc}"}
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.crisis",
        description="Check JSON lines {\"text\", \"lang\", \"context\"} from stdin for crisis signals; "
                    "one JSON verdict per line on stdout.")
    parser.add_argument("--no-embeddings", action="store_true",
                        help="lexicon layer only (fast; no model is loaded)")
    parser.add_argument("--explain", action="store_true",
                        help="add the lexicon matches and dropped matches to each verdict")
    args = parser.parse_args(argv)
    return run(sys.stdin, sys.stdout, use_embeddings=not args.no_embeddings, explain=args.explain)


if __name__ == "__main__":
    sys.exit(main())
