"""What the load test's simulated people do (locust, run by scripts/load_test.py).

Each simulated person starts a new conversation per task, in English or Dutch: a greeting, a whole
check-in with their own random numbers, a few free reflections, a focusing exercise, or a crisis
message. Every turn is written to LOAD_LOG (one JSON line) so scripts/load_test.py can check
afterwards, against the database, that each message was stored once, in order, in its own
conversation, and that each check-in holds that person's numbers and nobody else's.
"""
from __future__ import annotations

import json
import os
import random
import time
import uuid

from locust import HttpUser, between, task

LOG_PATH = os.environ.get("LOAD_LOG", "load-turns.jsonl")
_log = open(LOG_PATH, "a", buffering=1)   # one line per turn; greenlets share the process

WORDS = {
    "en": {"hello": "hello", "what": "what can you do?", "thanks": "thanks", "start": "i'd like to take stock",
           "skip": "skip", "focusing": "i'd like to try focusing", "ready": "ready",
           "reflections": ["I work a lot, maybe too much, and I barely see my friends anymore",
                           "I sleep badly and wake up tired every morning",
                           "since my mother died I wonder what really matters",
                           "I worry about everything lately"],
           "crisis": ["I want to end my life tonight", "I have the pills here and I am going to take them"]},
    "nl": {"hello": "hallo", "what": "wat kan je doen?", "thanks": "bedankt", "start": "ik wil een check-in doen",
           "skip": "overslaan", "focusing": "ik wil focusing proberen", "ready": "klaar",
           "reflections": ["ik werk veel en zie mijn vrienden bijna niet meer",
                           "ik slaap slecht en ben altijd moe",
                           "sinds mijn moeder stierf vraag ik me af wat er echt toe doet",
                           "ik pieker over alles"],
           "crisis": ["ik wil vannacht een einde aan mijn leven maken", "ik heb de pillen hier en ik ga ze nemen"]},
}


class Person(HttpUser):
    wait_time = between(0.2, 1.0)   # a person reads and types; the load is still heavy

    def _conversation(self) -> tuple[str, str]:
        """A new person: an unguessable id (the gateway takes no other) and a language."""
        return uuid.uuid4().hex, random.choice(("en", "nl"))

    def _say(self, sender: str, language: str, scenario: str, seq: int, text: str, **extra) -> list:
        started = time.perf_counter()
        with self.client.post("/webhooks/rest/webhook", name=f"turn: {scenario}", catch_response=True,
                              json={"sender": sender, "message": text, "metadata": {"language": language}}) as r:
            replies = r.json() if r.status_code == 200 else []
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
        _log.write(json.dumps({"sender": sender, "scenario": scenario, "language": language, "seq": seq,
                               "text": text, "status": r.status_code,
                               "ms": round((time.perf_counter() - started) * 1000, 1),
                               "replies": len(replies), **extra}) + "\n")
        return replies

    def _run(self, scenario: str, texts: list[str], **extra) -> list:
        sender, language = self._conversation()
        replies: list = []
        for seq, text in enumerate(texts):
            replies = self._say(sender, language, scenario, seq, text(language) if callable(text) else text, **extra)
            self.wait()
        return replies

    @task(3)
    def greeting(self) -> None:
        self._run("greeting", [lambda lang: WORDS[lang]["hello"], lambda lang: WORDS[lang]["what"],
                               lambda lang: WORDS[lang]["thanks"]])

    @task(3)
    def check_in(self) -> None:
        sender, language = self._conversation()
        words = WORDS[language]
        numbers = [[random.randint(0, 10), random.randint(0, 10)] for _ in range(4)]
        texts = [words["start"]] + [t for inv, ful in numbers for t in (str(inv), str(ful), words["skip"], words["skip"])]
        for seq, text in enumerate(texts):
            self._say(sender, language, "check_in", seq, text, numbers=numbers)
            self.wait()

    @task(2)
    def reflections(self) -> None:
        self._run("reflection", [lambda lang: WORDS[lang]["hello"]]
                  + [lambda lang, i=i: WORDS[lang]["reflections"][i] for i in random.sample(range(4), 2)])

    @task(1)
    def focusing(self) -> None:
        self._run("exercise", [lambda lang: WORDS[lang]["focusing"]] + [lambda lang: WORDS[lang]["ready"]] * 3)

    @task(1)
    def crisis(self) -> None:
        self._run("crisis", [lambda lang: WORDS[lang]["hello"], lambda lang: random.choice(WORDS[lang]["crisis"])])
