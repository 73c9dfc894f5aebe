"""Signing in and out, setting a password from an invitation link, and one's own account
(password, optional TOTP second factor, the dashboard's language)."""
from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.dashboard.i18n import request_language, say
from api.dashboard.security import (
    FORM_COOKIE,
    SESSION_COOKIE,
    Viewer,
    address,
    clear_cookie,
    config,
    current_form_token,
    form_protected,
    issue_form_token,
    optional_viewer,
    redirect,
    render,
    set_cookie,
    signed_in,
)
from api.deps import database
from bot.config import SUPPORTED_LANGUAGES
from bot.mentoring import accounts, audit, errors, invitations, signin, totp
from bot.storage.models import Mentor

router = APIRouter(prefix="/dashboard", include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only paths inside the dashboard: never an open redirect."""
    if target and target.startswith("/dashboard") and not target.startswith("//") and "\\" not in target:
        return target
    return "/dashboard/queue"


def _login_page(request: Request, *, status_code: int = 200, error: str | None = None, email: str = "",
                next_path: str = "", notice: str | None = None) -> Response:
    token = _form_token_for(request)
    response = render(request, "login.html", {
        "title": say(request_language(request), "login.title"), "error": error, "notice": notice, "email": email,
        "next": _safe_next(next_path or request.query_params.get("next")), "form_token": token,
    }, status_code=status_code)
    # The token rendered in the form and its signed twin in the cookie are set together.
    issue_form_token(request, response, token)
    return response


def _form_token_for(request: Request) -> str:
    """A fresh token for a fresh form; the same one again when a posted form is shown again."""
    return current_form_token(request) if request.method == "POST" else secrets.token_urlsafe(24)


@router.get("/login")
def login_form(request: Request) -> Response:
    if optional_viewer(request) is not None:
        return redirect(request, _safe_next(request.query_params.get("next")))
    flag = next((f for f in ("expired", "signed_out", "password_set") if request.query_params.get(f)), None)
    notice = say(request_language(request), f"login.{flag}") if flag else None
    return _login_page(request, notice=notice)


@router.post("/login", dependencies=[Depends(form_protected)])
async def login(request: Request) -> Response:
    form = await request.form()
    email = str(form.get("email", ""))[:255].strip()
    password = str(form.get("password", ""))[:accounts.MAX_PASSWORD_CHARS]
    code = str(form.get("code", ""))[:16]
    next_path = str(form.get("next", ""))
    cfg, where = config(request), address(request)

    def work() -> tuple[str, str | None]:
        with database(request).session() as session:
            if signin.login_blocked(session, cfg, where, email):
                audit.record(session, email.lower() or "anonymous", "login_rate_limited", address=where)
                return "blocked", None
            mentor = accounts.authenticate(session, email, password, code)
            signin.record_login_attempt(session, cfg, where, email, succeeded=mentor is not None)
            if mentor is None:
                audit.record(session, email.lower() or "anonymous", "login_failed", address=where)
                return "failed", None
            cookie, _ = signin.start_session(session, cfg, mentor)
            audit.record(session, mentor, "login", address=where)
            return ("facilitator" if mentor.role == "facilitator" else "ok"), cookie

    outcome, cookie = await run_in_threadpool(work)
    lang = request_language(request)
    if outcome == "blocked":
        return _login_page(request, status_code=429, email=email, next_path=next_path,
                           error=say(lang, "errors.login_blocked"))
    if outcome == "failed":
        return _login_page(request, status_code=401, email=email, next_path=next_path,
                           error=say(lang, "errors.login_failed"))
    target = _safe_next(next_path)
    if outcome == "facilitator" and not target.startswith("/dashboard/groups") and target != "/dashboard/account":
        target = "/dashboard/groups"  # facilitators have no queue
    response = redirect(request, target)
    set_cookie(request, response, SESSION_COOKIE, cookie or "")
    clear_cookie(request, response, FORM_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    with database(request).session() as session:
        signin.end_session(session, config(request), request.cookies.get(SESSION_COOKIE))
        audit.record(session, session.get(Mentor, viewer.id), "logout", address=address(request))
    response = redirect(request, "/dashboard/login", signed_out="1")
    clear_cookie(request, response, SESSION_COOKIE)
    return response


# ------------------------------------------------------------------------------------ invitations

def _invite_page(request: Request, token: str, *, error: str | None = None, status_code: int = 200) -> Response:
    lang = request_language(request)
    with database(request).session() as session:
        try:
            _, mentor = invitations.read_invitation(session, config(request), token)
            context = {"title": say(lang, "invite.title"), "invited": {"email": mentor.email, "name": mentor.display_name,
                                                                       "role": mentor.role}, "error": error,
                       "min_chars": accounts.MIN_PASSWORD_CHARS, "token": token}
        except errors.InvalidInvitation as problem:
            context = {"title": say(lang, "invite.broken_title"), "invited": None, "error": problem.text(lang)}
            status_code = 400
    context["form_token"] = _form_token_for(request)
    response = render(request, "invite.html", context, status_code=status_code)
    issue_form_token(request, response, context["form_token"])
    return response


@router.get("/invite/{token}")
def invitation(request: Request, token: str) -> Response:
    return _invite_page(request, token)


@router.post("/invite/{token}", dependencies=[Depends(form_protected)])
async def accept_invitation(request: Request, token: str) -> Response:
    form = await request.form()
    password, again = str(form.get("password", "")), str(form.get("password_again", ""))
    lang = request_language(request)
    if password != again:
        return await run_in_threadpool(lambda: _invite_page(
            request, token, error=say(lang, "errors.passwords_differ"), status_code=422))

    def work() -> str | None:
        with database(request).session() as session:
            try:
                mentor = invitations.accept_invitation(session, config(request), token, password)
            except (errors.AccountError, errors.InvalidInvitation) as problem:
                session.rollback()
                return problem.text(lang)
            audit.record(session, mentor, "password_set_from_link", address=address(request))
            return None

    problem = await run_in_threadpool(work)
    if problem:
        return await run_in_threadpool(lambda: _invite_page(request, token, error=problem, status_code=422))
    return redirect(request, "/dashboard/login", password_set="1")


# ------------------------------------------------------------------------------------ own account

def _account_page(request: Request, viewer: Viewer, *, error: str | None = None, notice: str | None = None,
                  status_code: int = 200) -> Response:
    with database(request).session() as session:
        mentor = session.get(Mentor, viewer.id)
        pending = mentor.totp_secret if (mentor.totp_secret and not mentor.totp_enabled) else None
        context = {"title": say(viewer.lang, "account.title"), "error": error, "notice": notice,
                   "totp_enabled": mentor.totp_enabled, "totp_pending": pending,
                   "totp_uri": totp.totp_uri(mentor, pending) if pending else None,
                   "min_chars": accounts.MIN_PASSWORD_CHARS, "chosen_language": mentor.language,
                   "browser_language": request_language(request), "languages": SUPPORTED_LANGUAGES}
    return render(request, "account.html", context, viewer=viewer, status_code=status_code)


@router.get("/account")
def account(request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    done = request.query_params.get("done", "")
    notice = say(viewer.lang, f"notices.{done}") if done in ("password", "totp_on", "totp_off", "language") else None
    return _account_page(request, viewer, notice=notice)


@router.post("/account/language")
async def set_language(request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    """The account's language for every dashboard page; empty: follow the browser again."""
    choice = str((await request.form()).get("language", "")).strip().lower()

    def work() -> str | None:
        with database(request).session() as session:
            mentor = session.get(Mentor, viewer.id)
            try:
                accounts.set_language(mentor, choice)
            except errors.AccountError as problem:
                return problem.text(viewer.lang)
            audit.record(session, mentor, "language_changed", detail={"language": choice or None},
                          address=address(request))
            return None

    problem = await run_in_threadpool(work)
    if problem:
        return await run_in_threadpool(lambda: _account_page(request, viewer, error=problem, status_code=422))
    return redirect(request, "/dashboard/account", done="language")


@router.post("/account/password")
async def change_password(request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    form = await request.form()
    current, new, again = (str(form.get(k, "")) for k in ("current", "password", "password_again"))

    def work() -> tuple[str | None, str | None]:
        with database(request).session() as session:
            mentor = session.get(Mentor, viewer.id)
            if not accounts.verify_password(mentor.password_hash, current):
                return say(viewer.lang, "errors.current_password_wrong"), None
            if new != again:
                return say(viewer.lang, "errors.new_passwords_differ"), None
            try:
                accounts.set_password(session, mentor, new)  # ends every session of this account
            except errors.AccountError as problem:
                return problem.text(viewer.lang), None
            cookie, _ = signin.start_session(session, config(request), mentor)
            audit.record(session, mentor, "password_changed", address=address(request))
            return None, cookie

    problem, cookie = await run_in_threadpool(work)
    if problem:
        return await run_in_threadpool(lambda: _account_page(request, viewer, error=problem, status_code=422))
    response = redirect(request, "/dashboard/account", done="password")
    set_cookie(request, response, SESSION_COOKIE, cookie or "")
    return response


@router.post("/account/totp/start")
def totp_start(request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    with database(request).session() as session:
        mentor = session.get(Mentor, viewer.id)
        if not mentor.totp_enabled:
            mentor.totp_secret = totp.new_totp_secret()
    return redirect(request, "/dashboard/account")


@router.post("/account/totp/confirm")
async def totp_confirm(request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    code = str((await request.form()).get("code", ""))

    def work() -> bool:
        with database(request).session() as session:
            mentor = session.get(Mentor, viewer.id)
            if mentor.totp_enabled or not mentor.totp_secret:
                return False
            if not totp.enable_totp(mentor, mentor.totp_secret, code):
                return False
            audit.record(session, mentor, "totp_enabled", address=address(request))
            return True

    if not await run_in_threadpool(work):
        return await run_in_threadpool(lambda: _account_page(
            request, viewer, status_code=422,
            error=say(viewer.lang, "errors.totp_mismatch")))
    return redirect(request, "/dashboard/account", done="totp_on")


@router.post("/account/totp/disable")
async def totp_disable(request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    form = await request.form()
    password, code = str(form.get("current", "")), str(form.get("code", ""))

    def work() -> bool:
        # Both factors: a stolen password alone must not switch off the second one.
        with database(request).session() as session:
            mentor = session.get(Mentor, viewer.id)
            if not accounts.verify_password(mentor.password_hash, password) or not totp.verify_totp(mentor, code):
                return False
            totp.disable_totp(mentor)
            audit.record(session, mentor, "totp_disabled", address=address(request))
            return True

    if not await run_in_threadpool(work):
        return await run_in_threadpool(lambda: _account_page(
            request, viewer, error=say(viewer.lang, "errors.totp_off_refused"), status_code=422))
    return redirect(request, "/dashboard/account", done="totp_off")
