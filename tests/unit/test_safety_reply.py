"""Crisis replies: right lines for the country, right order, plain warm text, no method details."""
from __future__ import annotations

import re

import pytest

from bot.crisis import SEVERITIES
from bot.safety.reply import country_reply, crisis_reply, helplines_text

SIGNAL_SETS = (("explicit",), ("passive",), ("means",), ("abuse",), ("friend_at_risk",), ())
COUNTRIES = ("BE", "NL", None)

# Words that would hint at a method or means; they must never appear in what the bot says.
METHOD_WORDS = (
    "pill", "pills", "tablet", "tablets", "rope", "overdose", "hang", "hanging", "jump", "bridge",
    "knife", "blade", "razor", "gun", "poison", "cut", "cutting", "train", "rail",
    "pil", "pillen", "touw", "overdosis", "ophangen", "springen", "brug", "mes", "scheermes",
    "vergif", "snijden", "trein", "spoor",
)
METHOD_RE = re.compile(r"\b(" + "|".join(METHOD_WORDS) + r")\b", re.IGNORECASE)


def every_reply():
    for severity in SEVERITIES:
        for signals in SIGNAL_SETS:
            for lang in ("en", "nl"):
                for country in COUNTRIES:
                    for first_time in (True, False):
                        yield (severity, signals, lang, country, first_time), crisis_reply(
                            severity, signals, lang, country, first_time=first_time
                        )


def helpline_message(messages):
    found = [m for m in messages if "crisis" in m.get("custom", {})]
    assert len(found) == 1
    return found[0]


def ids_of(messages):
    return [h["id"] for h in helpline_message(messages)["custom"]["crisis"]["helplines"]]


# ------------------------------------------------------------------------------ shape

def test_every_message_has_text_and_well_formed_buttons():
    for case, messages in every_reply():
        assert messages, case
        for message in messages:
            assert isinstance(message["text"], str) and message["text"].strip(), case
            assert "{" not in message["text"] or "/set_country" in message["text"], case  # no unfilled placeholders
            for button in message.get("buttons", []):
                assert button["title"].strip() and button["payload"].startswith("/"), case


def test_first_reply_order_and_safety_buttons():
    messages = crisis_reply("high", ("explicit",), "en", "BE")
    assert len(messages) == 3
    assert "custom" in messages[1]
    payloads = [b["payload"] for b in messages[-1]["buttons"]]
    assert payloads == ["/confirm_safe", "/not_safe", "/request_mentor"]


def test_custom_payload_carries_severity_country_and_lines():
    crisis = helpline_message(crisis_reply("elevated", ("passive",), "nl", "NL"))["custom"]["crisis"]
    assert crisis["severity"] == "elevated"
    assert crisis["country"] == "NL"
    assert crisis["helplines"][0]["id"] == "113-zelfmoordpreventie"


def test_payload_helplines_match_the_text():
    for case, messages in every_reply():
        message = helpline_message(messages)
        lines = [line for line in message["text"].splitlines() if line.startswith("•")]
        helplines = message["custom"]["crisis"]["helplines"]
        centres = message["custom"]["crisis"].get("recovery_centres", [])
        assert len(lines) == len(helplines) + len(centres), case
        for line, entry in zip(lines, helplines):  # same order as the text
            assert entry["name"] in line and entry["phone"] in line, case
            if entry["chat_url"]:
                assert entry["chat_url"] in line, case


# ------------------------------------------------------------------------------ which lines

def test_imminent_says_call_112_now_and_lists_112_first():
    for lang, country in (("en", "BE"), ("nl", "NL"), ("nl", None), ("en", None)):
        messages = crisis_reply("imminent", ("means",), lang, country)
        assert "112" in messages[0]["text"]
        assert ("now" if lang == "en" else "nu") in messages[0]["text"]
        first = helpline_message(messages)["custom"]["crisis"]["helplines"][0]
        assert first["phone"] == "112"
        line = next(l for l in helpline_message(messages)["text"].splitlines() if l.startswith("•"))
        assert "112" in line


def test_belgium_and_netherlands_differ():
    be = helpline_message(crisis_reply("high", ("explicit",), "nl", "BE"))
    nl = helpline_message(crisis_reply("high", ("explicit",), "nl", "NL"))
    assert "1813" in be["text"] and "0800-0113" not in be["text"]
    assert "0800-0113" in nl["text"] and "1813" not in nl["text"]
    assert ids_of([be])[0] == "zelfmoordlijn-1813"
    assert ids_of([nl])[0] == "113-zelfmoordpreventie"


def test_unknown_country_lists_both_and_asks_which_country():
    messages = crisis_reply("high", ("explicit",), "nl", None)
    text = helpline_message(messages)["text"]
    assert "1813" in text and "113" in text and "112" in text
    question = next(m for m in messages if any("set_country" in b["payload"] for b in m.get("buttons", [])))
    assert {b["title"]: b["payload"] for b in question["buttons"]} == {
        "België": '/set_country{"country":"BE"}',
        "Nederland": '/set_country{"country":"NL"}',
    }
    assert messages[-1]["buttons"][0]["payload"] == "/confirm_safe"  # safety question stays last


def test_unknown_language_is_answered_in_dutch_and_asks_the_country():
    messages = crisis_reply("high", ("explicit",), "fr", None)
    assert any("set_country" in b["payload"] for m in messages for b in m.get("buttons", []))
    assert "Dank je" in messages[0]["text"]


def test_english_with_unknown_country_does_not_ask():
    messages = crisis_reply("high", ("explicit",), "en", None)
    assert not any("set_country" in b["payload"] for m in messages for b in m.get("buttons", []))


def test_known_country_does_not_ask():
    messages = crisis_reply("high", ("explicit",), "nl", "BE")
    assert not any("set_country" in b["payload"] for m in messages for b in m.get("buttons", []))


def test_abuse_adds_1712_in_belgium_and_veilig_thuis_in_the_netherlands():
    be = crisis_reply("concern", ("abuse",), "nl", "BE")
    nl = crisis_reply("concern", ("abuse",), "nl", "NL")
    assert "1712" in helpline_message(be)["text"] and "hulplijn-1712" in ids_of(be)
    assert "0800-2000" in helpline_message(nl)["text"] and "veilig-thuis" in ids_of(nl)
    assert "thuis" in be[0]["text"].lower()  # the acknowledgement speaks about safety at home
    assert "home" in crisis_reply("concern", ("abuse",), "en", "BE")[0]["text"]


def test_friend_at_risk_wording_is_about_the_friend():
    en = crisis_reply("concern", ("friend_at_risk",), "en", "BE")
    nl = crisis_reply("concern", ("friend_at_risk",), "nl", "BE")
    assert "friend" in en[0]["text"] and "friend" in en[-1]["text"]
    assert "vriend" in nl[0]["text"] and "vriend" in nl[-1]["text"]
    assert "112" in crisis_reply("imminent", ("friend_at_risk",), "en", "NL")[0]["text"]


def test_acknowledgement_varies_with_severity():
    texts = {crisis_reply(s, ("explicit",), "en", "BE")[0]["text"] for s in SEVERITIES}
    assert len(texts) == len(SEVERITIES)


def test_acknowledgement_says_it_is_a_bot():
    for (severity, signals, lang, country, first_time), messages in every_reply():
        if first_time:
            assert "chatbot" in messages[0]["text"].lower(), (severity, signals, lang)


# ------------------------------------------------------------------------------ repeat

def test_repeat_is_shorter_gives_the_lines_again_and_still_asks_whether_they_are_safe():
    first = crisis_reply("high", ("explicit",), "en", "NL")
    again = crisis_reply("high", ("explicit",), "en", "NL", first_time=False)
    assert len(again) == 3
    assert "/confirm_safe" in [b["payload"] for b in again[-1]["buttons"]]
    assert len(again[0]["text"]) < len(first[0]["text"])
    assert ids_of(again) == ids_of(first)
    assert "112" in crisis_reply("imminent", ("means",), "nl", "BE", first_time=False)[0]["text"]


# ------------------------------------------------------------------------------ language and safety

DUTCH_MARKERS = {"je", "een", "de", "het", "niet", "bel", "ik", "dat"}
ENGLISH_MARKERS = {"you", "the", "call", "i'm", "are", "and", "your"}


def words(text):
    return set(re.findall(r"[a-zà-ÿ']+", text.lower()))


def test_dutch_replies_are_dutch_and_english_replies_english():
    for (severity, signals, lang, country, first_time), messages in every_reply():
        for message in messages:
            found = words(message["text"])
            if lang == "nl":
                assert found & DUTCH_MARKERS and not found & ENGLISH_MARKERS, message["text"]
            else:
                assert found & ENGLISH_MARKERS and not found & DUTCH_MARKERS - {"de"}, message["text"]


def test_no_method_details_anywhere():
    for case, messages in every_reply():
        for message in messages:
            visible = message["text"] + " ".join(b["title"] for b in message.get("buttons", []))
            assert not METHOD_RE.search(visible), (case, METHOD_RE.search(visible))


def test_method_word_check_would_catch_a_slip():
    assert METHOD_RE.search("take the pills")
    assert METHOD_RE.search("een overdosis")
    assert not METHOD_RE.search("mensen die luisteren")


def test_no_rescuer_promises():
    promises = re.compile(r"\b(i will|i'll|everything will|ik zorg|alles komt goed|ik ga je)\b", re.IGNORECASE)
    for case, messages in every_reply():
        for message in messages:
            assert not promises.search(message["text"]), (case, message["text"])


# ------------------------------------------------------------------------------ country reply

def test_country_reply_thanks_and_lists_that_country():
    messages = country_reply("BE", "nl")
    assert len(messages) == 1
    text = messages[0]["text"]
    assert text.startswith("Dank je") and "België" in text and "1813" in text
    crisis = messages[0]["custom"]["crisis"]
    assert crisis["country"] == "BE"
    assert crisis["helplines"][0]["id"] == "zelfmoordlijn-1813"
    nl = country_reply("nl", "en", severity="imminent")
    assert nl[0]["custom"]["crisis"]["helplines"][0]["phone"] == "112"
    assert nl[0]["custom"]["crisis"]["severity"] == "imminent"


def test_country_reply_with_an_unusable_country_asks_again():
    messages = country_reply("XX", "nl")
    assert any("set_country" in b["payload"] for m in messages for b in m.get("buttons", []))


def test_helplines_text_reuses_the_same_lines():
    text = helplines_text("NL", "en")
    assert "113 Zelfmoordpreventie" in text and "0800-0113" in text

    def bullets(body):
        return [line for line in body.splitlines() if line.startswith("•")]

    assert bullets(text) == bullets(country_reply("NL", "en")[0]["text"])
    assert bullets(helplines_text("BE", "nl", "imminent"))[0].endswith("(dag en nacht)")


@pytest.mark.parametrize("severity", ["weird", None])
def test_unexpected_severity_still_gets_a_serious_reply(severity):
    messages = crisis_reply(severity, ("explicit",), "en", "BE")
    assert "chatbot" in messages[0]["text"]
    assert ids_of(messages)[0] == "zelfmoordlijn-1813"
