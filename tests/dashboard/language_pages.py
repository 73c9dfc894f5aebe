"""Every dashboard and facilitator page, rendered for the language tests: a small world (accounts,
cases in each state, a debrief, a group with a theme and a shared reflection) and the pages each
account sees in it. English strings of bot/content/en/dashboard_ui.yml must not show on a Dutch page."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from dashboard_helpers import PASSWORD, Browser, chat, csrf_of, make_account, make_case

from bot import content
from bot.mentoring import invitations
from bot.storage.models import Mentor

TOPIC = "dashboard_ui"
TOPICS = (TOPIC, "helper_care", "directory_errors")  # every file of words the dashboard and facilitator pages show
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


# ------------------------------------------------------------------------------------ the strings

def leaves(node, path: str = "") -> Iterator[tuple[str, str]]:
    """(dotted path, text) of every string in a content tree (list items as path[i])."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from leaves(value, f"{path}[{i}]")
    elif isinstance(node, str):
        yield path, node


def english_fragments() -> dict[str, list[str]]:
    """English text that a Dutch page must not show: for each key whose English and Dutch differ, the
    literal pieces between placeholders (`Case {id}` gives `Case`). Pieces without letters are left
    out, and so is an English piece that is also part of the Dutch string (a name, a code)."""
    english, dutch = ({f"{topic}.{key}": text for topic in TOPICS for key, text in leaves(content.section(lang, topic))}
                      for lang in ("en", "nl"))
    found: dict[str, list[str]] = {}
    for key, text in english.items():
        if text.strip().casefold() == dutch[key].strip().casefold():
            continue  # the same in both languages ("E-mail", "Mentor")
        pieces = [piece.strip(" .,:;·()—–-…?!\"'") for piece in PLACEHOLDER.split(text)]
        pieces = [p for p in pieces if re.search(r"[A-Za-z]{2}", p) and p.casefold() not in dutch[key].casefold()]
        if pieces:
            found[key] = pieces
    return found


class _Text(HTMLParser):
    """What a person can read or hear on a page: text, the attributes that are shown or read out, and
    the strings in a JSON block (what the page's script writes). Left out: content marked as being in
    another language (`lang="en"` on an English field of the directory form) or as not to be
    translated (`translate="no"`: ids and log lines as stored)."""

    SHOWN = ("alt", "title", "placeholder", "aria-label")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, page_lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_lang, self.parts, self.stack = page_lang, [], []

    def _skipping(self) -> bool:
        return "skip" in self.stack or "json" in self.stack

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        other = attrs.get("lang") not in (None, self.page_lang) or attrs.get("translate") == "no"
        json_block = tag == "script" and attrs.get("type") == "application/json"
        if not (other or self._skipping()):
            self.parts += [attrs[name] for name in self.SHOWN if attrs.get(name)]
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(attrs["value"])
        if tag not in self.VOID:
            self.stack.append("json" if json_block else ("skip" if other or tag in ("script", "style") else ""))

    def handle_endtag(self, tag) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data) -> None:
        if self.stack and self.stack[-1] == "json" and "skip" not in self.stack:
            # Placeholders are filled in before anything shows: `{severity}` is no word on the page.
            self.parts += [PLACEHOLDER.sub(" ", text) for _, text in leaves(json.loads(data))]
        elif not self._skipping():
            self.parts.append(data)


# Addresses and paths are data, not words: "new@example.org" or "/dashboard/groups" is no English.
_DATA = re.compile(r"\S*[@/]\S*")


def page_text(markup: str) -> str:
    parser = _Text(html_lang(markup) or "en")
    parser.feed(markup)
    return _DATA.sub(" ", " ".join(" ".join(parser.parts).split()))


def english_on(markup: str, fragments: dict[str, list[str]] | None = None) -> list[tuple[str, str]]:
    """(key, English piece) for every English string of the data file found in the page's text."""
    text = page_text(markup)
    fragments = english_fragments() if fragments is None else fragments
    return [(key, piece) for key, pieces in fragments.items() for piece in pieces
            if re.search(rf"(?<![\w-]){re.escape(piece)}(?![\w-])", text, re.IGNORECASE)]


def html_lang(markup: str) -> str | None:
    match = re.search(r"<html[^>]*\blang=\"([^\"]+)\"", markup)
    return match.group(1) if match else None


# ------------------------------------------------------------------------------------ the world

@dataclass
class World:
    app: object
    db: object
    browsers: dict[str, Browser] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    invite_token: str = ""


def choose_language(browser: Browser, language: str) -> None:
    response = browser.post("/dashboard/account/language", {"language": language})
    assert response.status_code == 303, response.text


def build_world(app, db, client, language: str | None = None) -> World:
    """Accounts (an admin, two mentors, a facilitator), cases open / held / held by a colleague / closed,
    a debrief, and a group. With `language`, every account chose it on its account page."""
    world = World(app, db)
    for email, role, name in (("ada@example.org", "admin", "Ada"), ("ann@example.org", "mentor", "Ann"),
                              ("bo@example.org", "mentor", "Bo"), ("fay@example.org", "facilitator", "Fay")):
        make_account(db, email, role, name)
        browser = Browser(app)
        assert browser.login(email).status_code == 303
        if language:
            choose_language(browser, language)
        world.browsers[name.lower()] = browser
    ann, bo, ada, fay = (world.browsers[n] for n in ("ann", "bo", "ada", "fay"))

    sender = "0" * 31 + "1"
    world.ids["open"] = make_case(db, "0" * 31 + "2", "imminent", minutes_ago=75, transcript=True, contact=True)
    world.ids["held"] = make_case(db, sender, "high", minutes_ago=3000, transcript=False, contact=False)
    world.ids["other"] = make_case(db, "0" * 31 + "3", "elevated", minutes_ago=5, language="nl", country="NL")
    world.ids["closed"] = make_case(db, "0" * 31 + "4", "high", minutes_ago=20)
    world.ids["concern"] = make_case(db, "0" * 31 + "5", "concern", country=None)
    for key in ("held", "closed"):
        assert ann.post(f"/dashboard/cases/{world.ids[key]}/claim").status_code == 303
    assert bo.post(f"/dashboard/cases/{world.ids['other']}/claim").status_code == 303
    assert ann.post(f"/dashboard/cases/{world.ids['held']}/messages", {
        "text": "Hi, I'm Ann.", "despite_no_consent": "yes"}).status_code == 303
    chat(client, sender, "thank you")
    assert ann.post(f"/dashboard/cases/{world.ids['held']}/notes", {"text": "Called back."}).status_code == 303
    assert ann.post(f"/dashboard/cases/{world.ids['closed']}/close", {
        "outcome": "reached_safe", "note": "Safe at home."}).status_code == 303
    assert ann.post(f"/dashboard/debrief/{world.ids['closed']}", {"feeling": "tired", "note": "Heavy one.",
                                                                  "wants_colleague": "yes"}).status_code == 303
    world.ids["debrief_case"] = make_case(db, "0" * 31 + "6", "high")
    assert ann.post(f"/dashboard/cases/{world.ids['debrief_case']}/claim").status_code == 303
    assert ann.post(f"/dashboard/cases/{world.ids['debrief_case']}/close", {
        "outcome": "referred", "note": "Referred."}).status_code == 303

    response = fay.post("/dashboard/groups", {"name": "Kring", "language": "en", "rhythm": "weekly"})
    world.ids["group"] = int(response.headers["location"].rsplit("/", 1)[1])
    assert fay.post(f"/dashboard/groups/{world.ids['group']}/theme", {
        "kind": "dimension", "dimension": "social"}).status_code == 303
    code = re.search(r'class="group-code">([A-Z0-9]+)<', fay.get(f"/dashboard/groups/{world.ids['group']}").text)
    member = "0" * 31 + "7"
    client.post(f"/api/groups/{member}/join", json={"code": code.group(1), "nickname": "Bea"})
    client.post(f"/api/groups/{member}/{world.ids['group']}/share", json={"text": "A walk helped."})
    response = fay.post("/dashboard/groups", {"name": "Voorjaar", "language": "nl", "rhythm": ""})
    closed_group = int(response.headers["location"].rsplit("/", 1)[1])
    assert fay.post(f"/dashboard/groups/{closed_group}/close", {"confirm": "yes"}).status_code == 303

    make_account(db, "noor@example.org", "mentor", "Noor", password=PASSWORD)
    with db.session() as session:
        mentor = session.query(Mentor).filter_by(email="noor@example.org").one()
        mentor.password_hash = None
        world.invite_token = invitations.invitation_link_token(session, app.state.dashboard, mentor, "ada@example.org")
    # Ann starts setting up two-step sign-in, so her account page shows the pending key too.
    assert ann.post("/dashboard/account/totp/start").status_code == 303
    return world


def signed_in_pages(world: World) -> Iterator[tuple[str, str, str]]:
    """(name, account, path) of every page a signed-in account opens."""
    i = world.ids
    yield from [
        ("queue", "ann", "/dashboard/queue"), ("queue done", "ann", "/dashboard/queue?done=closed"),
        ("case open", "ann", f"/dashboard/cases/{i['open']}"), ("case held", "ann", f"/dashboard/cases/{i['held']}"),
        ("case held by colleague", "ann", f"/dashboard/cases/{i['other']}"),
        ("case closed", "ann", f"/dashboard/cases/{i['closed']}?done=closed"),
        ("case without country", "ann", f"/dashboard/cases/{i['concern']}"),
        ("case as admin", "ada", f"/dashboard/cases/{i['other']}"),
        ("case missing", "ann", "/dashboard/cases/999999"),
        ("debrief", "ann", f"/dashboard/debrief/{i['debrief_case']}"),
        ("debrief written", "ann", f"/dashboard/debrief/{i['closed']}"),
        ("my load", "ann", "/dashboard/my-load?done=debrief"), ("account", "ann", "/dashboard/account?done=password"),
        ("account admin", "ada", "/dashboard/account"),
        ("admin only", "ann", "/dashboard/admin/mentors"), ("not for facilitators", "fay", "/dashboard/queue"),
        ("mentors", "ada", "/dashboard/admin/mentors?done=role"), ("settings", "ada", "/dashboard/admin/settings"),
        ("audit", "ada", "/dashboard/admin/audit"), ("care", "ada", "/dashboard/admin/care"),
        ("directory", "ada", "/dashboard/admin/directory?done=saved"),
        ("directory new", "ada", "/dashboard/admin/directory/helpline/new"),
        ("directory edit", "ada", "/dashboard/admin/directory/helpline/zelfmoordlijn-1813"),
        ("directory edit centre", "ada", "/dashboard/admin/directory/recovery_centre/caw-vlaanderen-brussel"),
        ("directory missing", "ada", "/dashboard/admin/directory/helpline/nope"),
        ("groups", "fay", "/dashboard/groups?closed=1"), ("group", "fay", f"/dashboard/groups/{i['group']}"),
        ("group prepare", "fay", f"/dashboard/groups/{i['group']}/prepare"),
        ("groups as admin", "ada", "/dashboard/groups"),
    ]


def render_signed_in(world: World) -> Iterator[tuple[str, str, str]]:
    """(name, path, page) of every page a signed-in account opens."""
    for name, who, path in signed_in_pages(world):
        response = world.browsers[who].get(path)
        assert response.status_code in (200, 403, 404), (name, response.status_code)
        yield name, path, response.text


def render_forms(world: World) -> Iterator[tuple[str, str, str]]:
    """Pages after a form was refused or done: the message built in Python is in the page's language."""
    ann, ada, fay = world.browsers["ann"], world.browsers["ada"], world.browsers["fay"]
    i = world.ids
    posts = [
        ("note without text", ann, f"/dashboard/cases/{i['open']}/notes", {"text": " "}),
        ("write without holding", ann, f"/dashboard/cases/{i['open']}/messages", {"text": "hi"}),
        ("write nothing", ann, f"/dashboard/cases/{i['held']}/messages", {"text": " ", "despite_no_consent": "yes"}),
        ("close without outcome", ann, f"/dashboard/cases/{i['held']}/close", {"note": "x"}),
        ("password wrong", ann, "/dashboard/account/password", {"current": "nope", "password": "x",
                                                                "password_again": "x"}),
        ("password weak", ann, "/dashboard/account/password", {"current": PASSWORD, "password": "a" * 15,
                                                               "password_again": "a" * 15}),
        ("totp wrong", ann, "/dashboard/account/totp/confirm", {"code": "000000"}),
        ("language unknown", ann, "/dashboard/account/language", {"language": "fr"}),
        ("invite bad email", ada, "/dashboard/admin/mentors", {"email": "nope", "display_name": "X"}),
        ("invite link", ada, "/dashboard/admin/mentors", {"email": "cy@example.org", "display_name": "Cy"}),
        ("deactivate self", ada, f"/dashboard/admin/mentors/{_id(world, 'ada@example.org')}/active", {"active": "no"}),
        ("settings bad cap", ada, "/dashboard/admin/settings", {"caseload_cap": "99"}),
        ("directory refused", ada, "/dashboard/admin/directory/helpline/new", {"id": "X"}),
        ("csrf", ann, f"/dashboard/cases/{i['open']}/notes", {"text": "x", "csrf_token": "wrong"}),
        ("group unconfirmed close", fay, f"/dashboard/groups/{i['group']}/close", {}),
        ("group bad theme", fay, f"/dashboard/groups/{i['group']}/theme", {"kind": "question", "question": "?"}),
        ("group bad name", fay, "/dashboard/groups", {"name": "", "language": "en"}),
    ]
    yield "claim over the cap", f"/dashboard/cases/{i['open']}/claim", _set_cap_and_claim(world)
    for name, browser, path, data in posts:
        response = browser.post(path, data)
        assert response.status_code in (200, 403, 404, 409, 422), (name, response.status_code)
        yield name, path, response.text
    yield "not your group", f"/dashboard/groups/{i['group']}", ada.get(f"/dashboard/groups/{i['group']}").text


def _id(world: World, email: str) -> int:
    with world.db.session() as session:
        return session.query(Mentor).filter_by(email=email).one().id


def _set_cap_and_claim(world: World) -> str:
    ada, ann = world.browsers["ada"], world.browsers["ann"]
    assert ada.post("/dashboard/admin/settings", {"caseload_cap": "1"}).status_code == 303
    page = ann.post(f"/dashboard/cases/{world.ids['open']}/claim").text
    assert ada.post("/dashboard/admin/settings", {"caseload_cap": "3"}).status_code == 303
    return page


def render_public(world: World, accept_language: str) -> Iterator[tuple[str, str, str]]:
    """(name, path, page) before signing in, in the language the browser asks for."""
    headers = {"Accept-Language": accept_language}
    anonymous = Browser(world.app)

    def get(path: str) -> tuple[str, str]:
        return path, anonymous.get(path, headers=headers).text

    def post(path: str, data: dict) -> tuple[str, str]:
        form = anonymous.get(path, headers=headers)
        return path, anonymous.post(path, headers=headers, csrf=False,
                                    data={**data, "csrf_token": csrf_of(form.text)}).text

    invite = f"/dashboard/invite/{world.invite_token}"
    yield "login", *get("/dashboard/login")
    for flag in ("expired", "signed_out", "password_set"):
        yield f"login {flag}", *get(f"/dashboard/login?{flag}=1")
    yield "login failed", *post("/dashboard/login", {"email": "ann@example.org", "password": "wrong"})
    yield "invite", *get(invite)
    yield "invite broken", *get("/dashboard/invite/not-a-token")
    yield "invite mismatch", *post(invite, {"password": "a", "password_again": "b"})
    yield "register", *get("/dashboard/groups/register")
    yield "register refused", *post("/dashboard/groups/register", {
        "email": "x@example.org", "password": "short", "password_again": "short"})
    yield "register received", *post("/dashboard/groups/register", {
        "email": "y@example.org", "display_name": "Y", "password": PASSWORD, "password_again": PASSWORD})


def all_pages(world: World, accept_language: str) -> list[tuple[str, str, str]]:
    return [*render_signed_in(world), *render_forms(world), *render_public(world, accept_language)]
