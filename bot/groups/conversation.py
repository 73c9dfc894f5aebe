"""The group conversation in the chat: joining a group with its code and a nickname, and reflecting on
the group's theme, then choosing to share the reflection or keep it private.

A state machine like the check-in and the exercises: `begin_join` / `begin_theme` start it, `answer`
takes each message, and the state lives in the database (`GroupDialogue`), so Rasa only has to pass
every message on while its `group_form` is active. The rules on what a group sees are bot/groups/rules.py's.
Every word the person reads, and the words they may answer with, are in bot/content/<lang>/groups.yml.
"""
from __future__ import annotations

import re
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from bot import content
from bot.groups import rules as groups
from bot.reflection import sounds_like_sharing
from bot.steps import DONE, RUNNING, STOPPED, Step
from bot.storage.models import Group, GroupDialogue, GroupMembership, GroupTheme, utcnow
from bot.text import normalise, one_line
from bot.wellbeing.model import LANGUAGES, dimension

# Statuses beyond running/done/stopped: the person chose the theme's exercise (result["exercise"]),
# or the reflection had crisis signals (nothing was kept; the caller hands over to the crisis flow).
EXERCISE, CRISIS = "exercise", "crisis"
# The person moved on to something about their life while the code or a nickname was asked for ("since
# the divorce the house is so quiet..."; a code or nickname is a few words, never a story): the
# conversation ends without a word, and the dialogue listens.
SHARING = "sharing"
CODE_TRIES = 3
UNCLEAR_TRIES = 2
GROUP_PAGE = "/groups/{group_id}?lang={lang}"
CHOICE_ORDER = ("stop", "later", "private", "share", "exercise", "reflect")


def _t(lang: str, key: str, **fill: Any) -> str:
    return one_line(content.text(lang, f"groups.dialogue.{key}", **fill))


@cache
def _choices(lang: str) -> tuple[dict[str, frozenset[str]], frozenset[str], dict[str, str]]:
    data = content.section(lang, "groups")["choices"]
    words = {kind: frozenset(normalise(w) for w in [*data[kind]["words"], data[kind]["label"]]) for kind in CHOICE_ORDER}
    fillers = frozenset(normalise(w) for w in data.get("fillers") or [])
    return words, fillers, {kind: str(data[kind]["label"]) for kind in CHOICE_ORDER}


def choice(text: str, lang: str, *allowed: str) -> str | None:
    """Which of the `allowed` answers a short message is ("yes, share it please" -> share), or None
    for the person's own words. The whole message must be the choice, give or take polite fillers."""
    said = normalise(text)
    if not said:
        return None
    for candidate in (lang, *(other for other in LANGUAGES if other != lang)):  # people mix: "ja" in English
        words, fillers, _ = _choices(candidate)
        stripped = said
        for filler in sorted(fillers, key=len, reverse=True):
            stripped = re.sub(rf"(?<![a-z0-9']){re.escape(filler)}(?![a-z0-9'])", " ", stripped)
        stripped = one_line(stripped)
        for kind in CHOICE_ORDER:
            if kind in allowed and (said in words[kind] or (stripped and stripped in words[kind])):
                return kind
    return None


def button(kind: str, lang: str) -> dict[str, str]:
    title = _choices(lang)[2][kind]
    return {"title": title, "payload": title}


def page_link(group_id: int, lang: str) -> dict[str, Any]:
    return {"link": {"href": GROUP_PAGE.format(group_id=group_id, lang=lang), "title": _t(lang, "page_link")}}


def code_candidates(text: str) -> list[str]:
    """A code may come alone ("k7mp q2xa"), or inside a sentence ("my code is K7MP-Q2XA")."""
    words = re.findall(r"[A-Za-z0-9-]+", text or "")
    candidates = [groups.normalise_code(text)] + [groups.normalise_code(w) for w in words]
    candidates += [groups.normalise_code(a + b) for a, b in zip(words, words[1:], strict=False)]
    return [c for c in dict.fromkeys(candidates) if 4 <= len(c) <= 16]


class GroupConversation:
    def __init__(self, session: Session, person_id: str, lang: str) -> None:
        self.session = session
        self.person_id = person_id
        self.lang = lang
        self.record = session.get(GroupDialogue, person_id)

    # ------------------------------------------------------------------ entry points
    def begin_join(self, text: str = "") -> Step:
        """"I'd like to join my group" (with or without the code in the same message)."""
        step = Step(state={"step": "code", "tries": 0})
        group = self._group_from(text)
        if group is None:
            step.say(_t(self.lang, "ask_code"), buttons=[button("stop", self.lang)])
            return self._keep(step)
        return self._keep(self._found(step, group))

    def begin_theme(self, group_id: int | None = None) -> Step:
        """"What is my group's theme?", or the theme invitation's button."""
        step = Step(state={})
        mine = groups.memberships(self.session, self.person_id)
        if not mine:
            step.say(_t(self.lang, "no_group"), buttons=[{"title": _t(self.lang, "no_group_button"),
                                                          "payload": "/join_group"}])
            step.status = DONE
            return self._keep(step)
        chosen = next((m for m in mine if m.group_id == group_id), None) or self._latest_theme(mine)
        group = self.session.get(Group, chosen.group_id)
        theme = groups.current_theme(self.session, group)
        if theme is None:
            step.say(_t(self.lang, "no_theme", name=group.name), custom=page_link(group.id, self.lang))
            step.status = DONE
            return self._keep(step)
        return self._keep(self._offer(step, chosen, group, theme))

    def answer(self, text: str) -> Step:
        if self.record is None:
            return Step(status=DONE)
        state = dict(self.record.state or {})
        step = Step(state=state)
        handler = {"code": self._on_code, "nickname": self._on_nickname, "offer": self._on_offer,
                   "reflect": self._on_reflection, "share": self._on_share}.get(self.record.step)
        if handler is None:
            step.status = DONE
            return self._keep(step)
        return self._keep(handler(step, text))

    # ------------------------------------------------------------------ joining
    def _group_from(self, text: str) -> Group | None:
        for candidate in code_candidates(text):
            group = groups.open_group_by_code(self.session, candidate)
            if group is not None:
                return group
        return None

    def _on_code(self, step: Step, text: str) -> Step:
        if choice(text, self.lang, "stop", "later"):
            return self._stop(step)
        group = self._group_from(text)
        if group is not None:
            return self._found(step, group)
        if sounds_like_sharing(text, self.lang):
            step.status = SHARING
            return step
        step.state["tries"] = int(step.state.get("tries", 0)) + 1
        if step.state["tries"] >= CODE_TRIES:
            step.say(_t(self.lang, "code_gave_up"))
            step.status = STOPPED
            return step
        step.say(_t(self.lang, "code_unknown"), buttons=[button("stop", self.lang)])
        return step

    def _found(self, step: Step, group: Group) -> Step:
        member = groups.membership_in(self.session, group, self.person_id)
        if member is not None:
            step.say(_t(self.lang, "already_member", name=group.name, nickname=member.nickname))
            return self._after_joining(step, member, group)
        step.state.update(step="nickname", group_id=group.id, code=group.invite_code)
        step.say(_t(self.lang, "ask_nickname", name=group.name), buttons=[button("stop", self.lang)])
        return step

    def _on_nickname(self, step: Step, text: str) -> Step:
        if choice(text, self.lang, "stop"):
            return self._stop(step)
        if sounds_like_sharing(text, self.lang):
            step.status = SHARING
            return step
        try:
            member = groups.join(self.session, self.person_id, step.state.get("code", ""), text)
        except groups.GroupError as problem:
            if problem.key == "code_unknown":  # the code changed or the group closed meanwhile
                step.say(_t(self.lang, "code_gave_up"))
                step.status = STOPPED
                return step
            step.say(_t(self.lang, "nickname_problem", problem=problem.text(self.lang)),
                     buttons=[button("stop", self.lang)])
            return step
        group = self.session.get(Group, member.group_id)
        step.say(_t(self.lang, "joined", name=group.name, nickname=member.nickname))
        return self._after_joining(step, member, group)

    def _after_joining(self, step: Step, member: GroupMembership, group: Group) -> Step:
        theme = groups.current_theme(self.session, group)
        if theme is None:
            step.messages[-1]["custom"] = page_link(group.id, self.lang)
            step.status = DONE
            return step
        return self._offer(step, member, group, theme)

    # ------------------------------------------------------------------ the theme
    def _latest_theme(self, mine: list[GroupMembership]) -> GroupMembership:
        def newest(membership: GroupMembership) -> int:
            theme = groups.current_theme(self.session, self.session.get(Group, membership.group_id))
            return theme.id if theme else -1
        return max(mine, key=newest)

    def _offer(self, step: Step, member: GroupMembership, group: Group, theme: GroupTheme) -> Step:
        groups.mark_theme_seen(self.session, member, theme)  # asked about here: no separate invitation
        step.state = {"step": "reflect", "group_id": group.id, "unclear": 0}
        if theme.kind == "dimension":
            area = dimension(theme.value, self.lang)
            step.say(_t(self.lang, "theme.dimension", name=group.name, area=area.area,
                        prompt=_t(self.lang, f"prompts.{theme.value}")))
            step.say(_t(self.lang, "ask_reflection"), buttons=[button("later", self.lang)])
        elif theme.kind == "question":
            step.say(_t(self.lang, "theme.question", name=group.name, question=theme.value))
            step.say(_t(self.lang, "ask_reflection"), buttons=[button("later", self.lang)])
        else:
            title = groups.theme_view(theme, self.lang)["label"]
            step.state.update(step="offer", exercise=theme.value)
            step.say(_t(self.lang, "theme.exercise", name=group.name, title=title),
                     buttons=[button(kind, self.lang) for kind in ("exercise", "reflect", "later")])
        return step

    def _on_offer(self, step: Step, text: str) -> Step:
        picked = choice(text, self.lang, "stop", "later", "exercise", "reflect")
        if picked in ("stop", "later"):
            return self._later(step)
        if picked == "exercise":
            step.status, step.result = EXERCISE, {"exercise": step.state.get("exercise")}
            return step
        if picked == "reflect" or len(normalise(text).split()) < 2:
            step.state["step"] = "reflect"
            step.say(_t(self.lang, "ask_reflection"), buttons=[button("later", self.lang)])
            return step
        return self._on_reflection(step, text)  # they simply started writing

    def _on_reflection(self, step: Step, text: str) -> Step:
        if choice(text, self.lang, "stop", "later"):
            return self._later(step)
        member = self._member(step)
        if member is None:
            return self._stop(step)
        try:
            reflection, crisis = groups.write_reflection(self.session, member, text, self.lang)
        except groups.GroupError as problem:
            step.say(problem.text(self.lang))
            step.status = STOPPED if problem.key == "closed" else RUNNING
            return step
        if reflection is None:
            step.status, step.result = CRISIS, {"severity": getattr(crisis, "severity", None)}
            return step
        group = self.session.get(Group, member.group_id)
        step.state.update(step="share", reflection_id=reflection.id, unclear=0)
        step.say(_t(self.lang, "reflection_kept", name=group.name, nickname=member.nickname),
                 buttons=[button("share", self.lang), button("private", self.lang)])
        return step

    def _on_share(self, step: Step, text: str) -> Step:
        picked = choice(text, self.lang, "stop", "later", "private", "share")
        member = self._member(step)
        if picked is None or member is None:
            step.state["unclear"] = int(step.state.get("unclear", 0)) + 1
            if member is not None and step.state["unclear"] < UNCLEAR_TRIES:
                step.say(_t(self.lang, "share_again"), buttons=[button("share", self.lang), button("private", self.lang)])
                return step
            picked = "private"  # never share on a guess
        group_id = step.state.get("group_id")
        if picked != "share":
            step.say(_t(self.lang, "kept_private"), custom=page_link(group_id, self.lang))
            step.status = DONE
            return step
        try:
            outcome = groups.share_reflection(self.session, member, int(step.state["reflection_id"]), self.lang)
        except groups.GroupError as problem:
            step.say(problem.text(self.lang))
            step.status = STOPPED
            return step
        if not outcome.shared:
            step.status, step.result = CRISIS, {"severity": getattr(outcome.crisis, "severity", None)}
            return step
        step.say(_t(self.lang, "shared", name=self.session.get(Group, group_id).name),
                 custom=page_link(group_id, self.lang))
        step.status, step.result = DONE, {"shared_item_id": outcome.item_id}
        return step

    # ------------------------------------------------------------------ internals
    def _member(self, step: Step) -> GroupMembership | None:
        try:
            return groups.membership_for(self.session, self.person_id, int(step.state.get("group_id") or 0))
        except (groups.NotAllowed, TypeError, ValueError):
            return None

    def _stop(self, step: Step) -> Step:
        step.say(_t(self.lang, "stopped"))
        step.status = STOPPED
        return step

    def _later(self, step: Step) -> Step:
        step.say(_t(self.lang, "later"))
        step.status = DONE
        return step

    def _keep(self, step: Step) -> Step:
        if step.status != RUNNING:
            if self.record is not None:
                self.session.delete(self.record)
                self.record = None
            self.session.flush()
            return step
        if self.record is None:
            self.record = GroupDialogue(person_id=self.person_id, step=step.state.get("step", "code"))
            self.session.add(self.record)
        self.record.step = step.state.get("step", self.record.step)
        self.record.state = dict(step.state)
        self.record.updated_at = utcnow()
        self.session.flush()
        return step
