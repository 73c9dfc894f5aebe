"""The real three services, started the way `make run` starts them, talked to through the gateway."""
from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest
from anon_ids import sid
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import stack as stack_module  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("live-var")
    stack = stack_module.Stack(
        api_port=stack_module.free_port(), rasa_port=stack_module.free_port(),
        action_port=stack_module.free_port(), var_dir=var_dir, model=stack_module.ensure_model(quiet=True),
        # The action server fits the reflection mapping while it starts (the suite's own default is off).
        extra_env={"DATABASE_URL": "", "WELLBEING_WARM_UP": "1"},
    )
    stack.start()
    try:
        stack.wait_ready(timeout_s=420)
        yield stack
    finally:
        stack.stop_all()


def _say(stack, sender, message, language="en", country=None):
    metadata = {"language": language, **({"country": country} if country else {})}
    return httpx.post(stack.api_url + "/webhooks/rest/webhook",
                      json={"sender": sender, "message": message, "metadata": metadata}, timeout=60)


def _texts(response) -> str:
    return " ".join(m.get("text") or "" for m in response.json()).lower()


def test_health_is_ok_when_all_three_run(live):
    body = httpx.get(live.api_url + "/health", timeout=5).json()
    assert body["status"] == "ok", body


def test_english_greeting_says_it_is_a_bot(live):
    response = _say(live, sid("e2e-en"), "hello")
    assert response.status_code == 200
    assert "bot" in _texts(response)


def test_dutch_greeting_from_the_same_model(live):
    response = _say(live, sid("e2e-nl"), "hallo", language="nl")
    assert response.status_code == 200
    assert "bot" in _texts(response) and " ik " in f" {_texts(response)} "


def test_crisis_flow_does_not_end_on_thanks_and_ends_when_safe(live):
    first = _say(live, sid("e2e-crisis"), "i dont want to be alive anymore", country="BE")
    assert any("crisis" in (m.get("custom") or {}) for m in first.json())
    thanks = _say(live, sid("e2e-crisis"), "thanks")
    assert thanks.status_code == 200
    buttons = [b["payload"] for m in thanks.json() for b in m.get("buttons") or []]
    assert "/confirm_safe" in buttons, thanks.json()  # still asked whether they are safe
    safe = _say(live, sid("e2e-crisis"), "/confirm_safe")
    assert "/confirm_safe" not in [b["payload"] for m in safe.json() for b in m.get("buttons") or []]


DUTCH_CHECKIN = ["zeven", "bijna niets", "gezondheid", "overslaan",
                 "9", "8", "verbondenheid", "overslaan",
                 "overslaan", "5", "liever niet", "overslaan",
                 "2", "een beetje", "overslaan", "overslaan"]


def test_a_whole_dutch_check_in_through_the_gateway(live):
    start = _say(live, sid("e2e-checkin-nl"), "ik wil een check-in doen", language="nl")
    assert "0 tot 10" in _texts(start), start.json()
    assert "niet goed een getal" not in _texts(start)  # the opening words are no answer
    replies = []
    for answer in DUTCH_CHECKIN:
        response = _say(live, sid("e2e-checkin-nl"), answer, language="nl")
        assert response.status_code == 200
        replies = response.json()
    images = [m["image"] for m in replies if m.get("image")]
    assert images, replies
    picture = httpx.get(live.api_url + images[0], timeout=30)
    assert picture.status_code == 200 and picture.content[:4] == b"\x89PNG"
    mine = httpx.get(f"{live.api_url}/api/me/{sid('e2e-checkin-nl')}/checkins", timeout=30).json()["checkins"]
    assert mine[0]["answers"]["physical"]["investment"] == 7
    assert mine[0]["answers"]["physical"]["fulfilment"] == 1


CHECKIN_RUNS = {
    "en": {"start": "i'd like to take stock", "skip": "skip", "pause": "pause",
           "resume": "let's continue the check-in", "carry_on": "carry on", "value": "health",
           "reflection": "I have been sleeping badly and I keep worrying about my friends",
           "correction": "Inner world", "resumed_marker": "stopped at your body"},
    "nl": {"start": "ik wil een check-in doen", "skip": "overslaan", "pause": "pauze",
           "resume": "verder met de check-in", "carry_on": "verder", "value": "gezondheid",
           "reflection": "Ik slaap slecht en ik maak me zorgen om mijn vrienden",
           "correction": "Binnenwereld", "resumed_marker": "je lichaam"},
}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_check_in_with_skip_stop_resume_and_a_corrected_mapping(live, language):
    run, sender = CHECKIN_RUNS[language], sid(f"e2e-resume-{language}")

    def say(text):
        response = _say(live, sender, text, language=language)
        assert response.status_code == 200, response.text
        return response

    say(run["start"])
    say("7")
    say(run["skip"])                        # fulfilment skipped
    paused = say(run["pause"])               # stop in the middle
    assert "/confirm_safe" not in paused.text
    resumed = say(run["resume"])
    assert run["resumed_marker"] in _texts(resumed), resumed.json()
    say(run["carry_on"])
    say(run["value"])
    confirmation = say(run["reflection"])
    titles = [b["title"] for m in confirmation.json() for b in m.get("buttons") or []]
    assert run["correction"] in titles, confirmation.json()
    say(run["correction"])                   # "no, it is about my inner world"
    for _ in range(3):
        for answer in ("5", run["skip"], run["skip"], run["skip"]):
            last = say(answer)
    assert any(m.get("image") for m in last.json()), last.json()
    export = httpx.get(f"{live.api_url}/api/me/{sender}/checkins.json", timeout=30).json()["checkins"][0]
    assert export["answers"]["physical"]["investment"] == 7
    assert export["answers"]["physical"]["fulfilment"] is None
    assert export["reflection_dimensions"]["physical"] == ["psychological"]


def test_a_crisis_in_the_middle_of_a_check_in_comes_first_and_the_check_in_waits(live):
    sender = sid("e2e-checkin-crisis")
    _say(live, sender, "i'd like to take stock")
    _say(live, sender, "6")
    crisis = _say(live, sender, "honestly i dont want to live anymore", country="NL")
    assert any("crisis" in (m.get("custom") or {}) for m in crisis.json())
    still = _say(live, sender, "8")  # a check-in answer is not an answer to "are you safe?"
    assert "/confirm_safe" in [b["payload"] for m in still.json() for b in m.get("buttons") or []]
    _say(live, sender, "/confirm_safe")
    resumed = _say(live, sender, "let's continue the check-in")
    assert "stopped at your body" in _texts(resumed), resumed.json()


def test_focusing_chosen_from_a_suggestion_runs_to_the_end_in_dutch(live):
    sender = sid("e2e-focusing-nl")
    offer = _say(live, sender, "iets voor mijn lichaam", language="nl")
    payloads = [b["payload"] for m in offer.json() for b in m.get("buttons") or []]
    assert any(p.startswith("/start_exercise{") for p in payloads), offer.json()
    first = _say(live, sender, '/start_exercise{"exercise":"focusing"}', language="nl")
    assert "1 van 6" in _texts(first), first.json()
    for answer in ("klaar", "klaar", "een steen", "het past", "klaar"):
        _say(live, sender, answer, language="nl")
    back = _say(live, sender, "terug", language="nl")
    assert "5 van 6" in _texts(back)
    for answer in ("klaar", "klaar"):
        last = _say(live, sender, answer, language="nl")
    assert "een steen" in _texts(last) or "bewaren" in _texts(last)
    _say(live, sender, "rustiger ademen", language="nl")
    thanks = _say(live, sender, "het hielp", language="nl")
    assert thanks.status_code == 200
    exported = httpx.get(f"{live.api_url}/api/me/{sender}/export", timeout=30).json()["exercises"]
    assert exported[-1]["result"]["handle"] == "een steen" and exported[-1]["feedback"] == 1


def test_lifeline_through_the_gateway_gives_a_picture(live):
    sender = sid("e2e-lifeline-en")
    _say(live, sender, "i want to draw my lifeline")
    for moment in ("when I was 12 we moved, that was hard, -3", "at 18 I left home +4",
                   "age 25 - burnout - minus 4", "no, it was -5", "my wedding at 30, great"):
        assert _say(live, sender, moment).status_code == 200
    done = _say(live, sender, "done")
    images = [m["image"] for m in done.json() if m.get("image")]
    assert images, done.json()
    assert httpx.get(live.api_url + images[0], timeout=30).content[:4] == b"\x89PNG"
    mine = httpx.get(f"{live.api_url}/api/me/{sender}/lifeline", timeout=30).json()
    assert [p["feeling"] for p in mine["points"]] == [-3, 4, -5, 4]


GROUP_RUNS = {
    "en": {"join": "i'd like to join my group", "nickname": "Sam", "asks_code": "what is the code",
           "asks_nickname": "which nickname", "theme": "looking at your relationships",
           "reflection": "I miss my brother; we used to walk together on Sundays",
           "kept": "only for you", "share": "Share with my group", "shared": "shared with",
           "ask_theme": "what is my group's theme", "no_group": "not in a group yet"},
    "nl": {"join": "ik wil lid worden van mijn groep", "nickname": "Noor", "asks_code": "wat is de code",
           "asks_nickname": "welke bijnaam", "theme": "staat kring-nl stil bij je relaties",
           "reflection": "Ik mis mijn broer; we wandelden vroeger samen op zondag",
           "kept": "alleen voor jou", "share": "Delen met mijn groep", "shared": "gedeeld met",
           "ask_theme": "wat is het thema van mijn groep", "no_group": "nog niet in een groep"},
}


def _open_group(live, name: str, language: str, theme: tuple[str, str] | None = None) -> tuple[int, str]:
    """A facilitator's group, straight in the app database the live API uses."""
    from bot.groups import rules as groups
    from bot.mentoring import accounts
    from bot.storage import Database
    from bot.storage.models import Group

    database = Database(f"sqlite:///{live.var_dir / 'app.sqlite3'}")
    with database.session() as session:
        facilitator = accounts.create_account(session, email=f"{name.lower()}@example.org", display_name=name,
                                             role="facilitator", password="correct horse battery staple")
        group = groups.create_group(session, facilitator, name=name, language=language)
        if theme:
            groups.set_theme(session, session.get(Group, group.id), *theme)
        result = group.id, group.invite_code
    database.dispose()
    return result


@pytest.mark.parametrize("language", ["en", "nl"])
def test_joining_a_group_and_sharing_a_reflection_on_its_theme_in_the_chat(live, language):
    run, sender = GROUP_RUNS[language], sid(f"e2e-group-{language}")
    group_id, code = _open_group(live, f"Kring-{language}", language, theme=("dimension", "social"))

    def say(message):
        response = _say(live, sender, message, language=language)
        assert response.status_code == 200, response.text
        return response

    assert run["asks_code"] in _texts(say(run["join"]))
    assert run["asks_nickname"] in _texts(say(f"{code[:4]} {code[4:]}"))
    joined = say(run["nickname"])
    assert run["nickname"].lower() in _texts(joined) and run["theme"] in _texts(joined), joined.json()
    kept = say(run["reflection"])
    assert run["kept"] in _texts(kept) and run["share"] in [b["title"] for m in kept.json() for b in m.get("buttons") or []]
    shared = say(run["share"])
    assert run["shared"] in _texts(shared), shared.json()
    page = httpx.get(f"{live.api_url}/api/groups/{sender}/{group_id}", timeout=30).json()
    assert [(s["nickname"], s["text"]) for s in page["shared"]] == [(run["nickname"], run["reflection"])]
    assert "bot" in _texts(say("hello" if language == "en" else "hallo"))  # the form let go


def test_a_theme_question_without_a_group_does_not_swallow_the_next_message(live):
    sender = sid("e2e-group-none")
    none = _say(live, sender, GROUP_RUNS["en"]["ask_theme"])
    assert GROUP_RUNS["en"]["no_group"] in _texts(none), none.json()
    assert "/join_group" in [b["payload"] for m in none.json() for b in m.get("buttons") or []]
    assert "bot" in _texts(_say(live, sender, "hello"))


def test_a_crisis_in_a_group_reflection_is_not_shared_and_stays_in_the_crisis_flow(live):
    sender = sid("e2e-group-crisis")
    group_id, code = _open_group(live, "Kring-crisis", "nl", theme=("question", "Wat gaf je deze week kracht?"))
    for message in ("ik wil lid worden van mijn groep", code, "Lou"):
        _say(live, sender, message, language="nl")
    crisis = _say(live, sender, "eerlijk gezegd zie ik het niet meer zitten", language="nl", country="BE")
    assert any("crisis" in (m.get("custom") or {}) for m in crisis.json()), crisis.json()
    still = _say(live, sender, "Delen met mijn groep", language="nl")
    assert "/confirm_safe" in [b["payload"] for m in still.json() for b in m.get("buttons") or []], still.json()
    page = httpx.get(f"{live.api_url}/api/groups/{sender}/{group_id}", timeout=30).json()
    assert page["shared"] == [] and page["mine"] == []


@pytest.mark.parametrize(("language", "text", "no"), [
    # An uncertain message: the classifier's middle band (session 16's model: p 0.57, below the English
    # full band at 0.60; session 14's put it in the full band. "whats the point of it all", used
    # meanwhile, now gets the full response: the lexicon matches and the classifier no longer doubts it).
    ("en", "sometimes i just want to disappear", "no"),
    ("nl", "soms wil ik gewoon verdwijnen", "nee"),
    # Weariness of life alone (issue 14.1): the question, and after "nee" the bot listens.
    ("nl", "ik ben levensmoe", "nee"),
])
def test_the_direct_question_and_a_no_bring_the_conversation_back(live, language, text, no):
    sender = sid(f"e2e-ask-{language}")
    asked = _say(live, sender, text, language=language)
    assert asked.status_code == 200
    checks = [m["custom"]["safety_check"] for m in asked.json() if "safety_check" in (m.get("custom") or {})]
    assert checks and checks[0]["helplines"], asked.json()
    assert not any("crisis" in (m.get("custom") or {}) for m in asked.json())
    answered = _say(live, sender, no, language=language)
    replies = answered.json()
    assert len(replies) >= 2, replies              # thanks, then the engine's own answer to the message
    assert not any("crisis" in (m.get("custom") or {}) or "safety_check" in (m.get("custom") or {})
                   for m in replies)
    # Back in the ordinary conversation: the engine answers a greeting, nothing is held.
    assert _texts(_say(live, sender, "hello" if language == "en" else "hallo", language=language))


def test_a_yes_to_the_direct_question_opens_the_crisis_flow_in_the_engine(live):
    sender = sid("e2e-ask-yes")
    asked = _say(live, sender, "sometimes i just want to disappear")
    assert any("safety_check" in (m.get("custom") or {}) for m in asked.json()), asked.json()
    yes = _say(live, sender, '/safety_check{"answer":"yes"}')
    assert any("crisis" in (m.get("custom") or {}) for m in yes.json()), yes.json()
    # The engine is in its crisis flow now: "thanks" does not end it.
    assert "/confirm_safe" in _say(live, sender, "thanks").text


def test_delete_everything_leaves_nothing_behind_the_engine_tracker_included(live):
    import subprocess

    sender = sid("e2e-erase")
    assert _say(live, sender, "i sleep badly and i am always tired").status_code == 200
    tracker = create_engine(f"sqlite:///{live.var_dir / 'rasa_tracker.sqlite3'}")
    with tracker.connect() as connection:
        events = connection.execute(text("SELECT count(*) FROM events WHERE sender_id = :id"), {"id": sender})
        assert events.scalar_one() > 0  # the engine keeps its own copy of what was said
    exported = httpx.get(f"{live.api_url}/api/me/{sender}/export", timeout=30).json()
    assert "i sleep badly and i am always tired" in [e.get("text") for e in exported["dialogue_engine_events"]]
    erased = httpx.delete(f"{live.api_url}/api/me/{sender}", timeout=30).json()
    assert erased["deleted_messages"] >= 2 and erased["deleted_dialogue_engine_events"] > 0
    # What a data-protection officer runs to check: every count zero.
    shown = subprocess.run([sys.executable, "-m", "api.cli", "show-data", "--id", sender], cwd=ROOT,
                           env={**live.env(), "DATABASE_URL": ""}, capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert "nothing is stored for this id" in shown.stdout, shown.stdout


def test_the_action_server_and_the_engine_listen_on_loopback_only(live):
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # no packet is sent; this only picks the outward address
            outward = probe.getsockname()[0]
        except OSError:
            pytest.skip("no network interface besides loopback")
    if outward.startswith("127."):
        pytest.skip("no network interface besides loopback")
    for port in (live.action_port, live.rasa_port, live.api_port):
        with socket.socket() as sock:
            sock.settimeout(2)
            assert sock.connect_ex((outward, port)) != 0, f"port {port} answers on {outward}"


def test_with_the_action_server_stopped_a_person_hears_so_and_a_crisis_is_still_answered(live):
    live.stop("actions")
    try:
        quiet = _say(live, sid("e2e-no-actions"), "I sleep badly and I worry about my work all the time")
        assert quiet.status_code == 200
        assert "not working right now" in _texts(quiet), quiet.json()
        crisis = _say(live, sid("e2e-no-actions-crisis"), "I am going to kill myself tonight")
        assert crisis.status_code == 200
        assert any("crisis" in (m.get("custom") or {}) for m in crisis.json()), crisis.json()
    finally:
        live.start_actions()
        live.wait_ready(timeout_s=300)
    # A restarted action server loads its models first; /health says "loading" until it has (the
    # stack waited for that), so the first turn after it is answered in time.
    again = _say(live, sid("e2e-actions-back"), "I sleep badly and I worry about my work all the time")
    assert again.status_code == 200, again.text
    assert "not working right now" not in _texts(again)


def test_engine_down_gives_503_and_keeps_the_message(live):
    live.stop("rasa")
    response = _say(live, sid("e2e-down"), "is anybody there")
    assert response.status_code == 503
    assert response.json()["stored"] is True
    engine = create_engine(f"sqlite:///{live.var_dir / 'app.sqlite3'}")
    with engine.connect() as connection:
        status = connection.execute(
            text("SELECT status FROM messages WHERE person_id = :id AND role = 'user'"),
            {"id": sid("e2e-down")}).scalar_one()
    assert status == "engine_unavailable"
    health = httpx.get(live.api_url + "/health", timeout=5).json()
    assert health["components"]["rasa"] == "down" and health["status"] == "degraded"
