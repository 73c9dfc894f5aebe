"""The operator audit command: python -m bot.crisis (lexicon layer only unless a test asks for all)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_cli(stdin: str, *args: str, embeddings: bool = False) -> subprocess.CompletedProcess:
    flags = [] if embeddings else ["--no-embeddings"]
    return subprocess.run([sys.executable, "-m", "bot.crisis", *flags, *args],
                          input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)


def test_one_verdict_per_line_and_bad_lines_do_not_stop_it():
    lines = [
        json.dumps({"text": "I want to kill myself", "lang": "en"}),
        "this is not json",
        "",
        json.dumps({"lang": "en"}),
        json.dumps({"text": "hallo", "lang": "fr"}),
        json.dumps(["text"]),
        json.dumps({"text": 42, "lang": "nl"}),
        json.dumps({"text": "ik zie het nie meer zitten", "lang": "nl"}),
        json.dumps({"text": "this traffic is killing me"}),
    ]
    proc = run_cli("\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(out) == len(lines)
    assert out[0] == {"crisis": True, "band": "crisis", "severity": "high",
                      "signals": ["suicidal_ideation_explicit", "layer:rules"], "language": "en"}
    for i in (1, 2, 3, 4, 5, 6):
        assert set(out[i]) == {"error"} and out[i]["error"], out[i]
    assert "invalid JSON" in out[1]["error"]
    assert "blank" in out[2]["error"]
    assert "fr" in out[4]["error"]
    assert out[7]["crisis"] is True and out[7]["language"] == "nl"
    assert out[8] == {"crisis": False, "band": "none", "severity": None, "signals": [], "language": "en"}


def test_explain_and_empty_input():
    proc = run_cli(json.dumps({"text": "I would never kill myself", "lang": "en"}) + "\n", "--explain")
    verdict = json.loads(proc.stdout)
    assert verdict["crisis"] is False
    assert verdict["explain"]["dropped"][0]["reason"] == "negated"
    assert run_cli("").stdout == ""


def test_all_layers_give_a_band_and_a_probability_in_both_languages():
    lines = [json.dumps({"text": t, "lang": lang}) for t, lang in (
        ("i have taken all the pills and i am going to sleep for good", "en"),
        ("vannacht maak ik er een einde aan", "nl"),
        ("ik wil stoppen met roken, wie helpt me", "nl"),
        ("I'm reading a novel about a girl who wants to die", "en"),
    )]
    out = [json.loads(line) for line in run_cli("\n".join(lines) + "\n", embeddings=True).stdout.splitlines()]
    assert [v["band"] for v in out[:2]] == ["crisis", "crisis"]
    assert [v["crisis"] for v in out[:2]] == [True, True]
    assert [v["crisis"] for v in out[2:]] == [False, False]   # an ordinary goal and a novel: no takeover
    assert all(0.0 <= v["probability"] <= 1.0 for v in out)


def test_bad_flag_exits_2():
    assert run_cli("", "--nonsense").returncode == 2
