"""Who is asking, and may they: session cookies, CSRF, roles, and the page renderer with its headers.

- The session cookie holds a signed random token (bot/mentoring/signin.py keeps only its hash); http-only,
  SameSite=Lax, scoped to /dashboard, Secure over https (or always / never by configuration).
- Every POST carries a CSRF token: the session's own once signed in; before that (sign-in and
  invitation forms) a random value that must match a signed, http-only cookie set with the form.
- Anonymous visitors are sent to the sign-in page (JSON endpoints answer 401); mentors get 403 on
  admin pages.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.concurrency import run_in_threadpool

from api.dashboard import i18n
from api.dashboard.i18n import request_language, say
from api.deps import database
from api.pages import CONTENT_SECURITY_POLICY, asset_version
from bot.config import SUPPORTED_LANGUAGES, DashboardConfig
from bot.mentoring import signin
from bot.storage.models import Mentor

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))
i18n.install(TEMPLATES)
SESSION_COOKIE = "compass_dashboard"
FORM_COOKIE = "compass_dashboard_form"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
# The dashboard shows pictures from nowhere but itself and never embeds or is embedded.
DASHBOARD_CSP = CONTENT_SECURITY_POLICY.replace("img-src 'self' https: data:", "img-src 'self' data:")


class LoginRequired(Exception):
    def __init__(self, expired: bool = False) -> None:
        self.expired = expired


class Forbidden(Exception):
    """`key` names the reason in dashboard_ui.yml's `errors`."""

    def __init__(self, key: str = "admins_only") -> None:
        self.key = key


class CsrfFailed(Exception):
    pass


@dataclass(frozen=True)
class Viewer:
    """The signed-in account, as plain values (safe to use after the database session closed)."""

    id: int
    email: str
    name: str
    role: str
    csrf: str
    totp_enabled: bool
    lang: str  # the pages' language: the account's choice, else the browser's

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @classmethod
    def of(cls, mentor: Mentor, csrf: str, lang: str) -> Viewer:
        return cls(id=mentor.id, email=mentor.email, name=mentor.display_name, role=mentor.role, csrf=csrf,
                   totp_enabled=mentor.totp_enabled, lang=lang)


def config(request: Request) -> DashboardConfig:
    return request.app.state.dashboard


def base(request: Request) -> str:
    return request.scope.get("root_path", "").rstrip("/")


def address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def cookie_path(request: Request) -> str:
    return base(request) + "/dashboard"


def secure_cookies(request: Request) -> bool:
    mode = config(request).cookie_secure
    return mode == "always" or (mode == "auto" and request.url.scheme == "https")


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    response.set_cookie(name, value, httponly=True, samesite="lax", secure=secure_cookies(request),
                        path=cookie_path(request))


def clear_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(name, path=cookie_path(request), httponly=True, samesite="lax",
                           secure=secure_cookies(request))


# ------------------------------------------------------------------------------------ who is asking

def _resolve(request: Request, touch: bool) -> Viewer:
    db = database(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    with db.session() as session:
        try:
            found = signin.resolve_session(session, config(request), cookie, touch=touch)
        except signin.SessionExpired:
            found = "expired"
        if found == "expired":
            session.commit()
            raise LoginRequired(expired=True)
        if found is None:
            raise LoginRequired()
        row, mentor = found
        return Viewer.of(mentor, row.csrf_token, request_language(request, mentor.language))


async def _form_token(request: Request) -> str | None:
    given = request.headers.get(CSRF_HEADER)
    if given:
        return given
    content_type = request.headers.get("content-type", "")
    if "form" in content_type:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def signed_in(request: Request) -> Viewer:
    """Any signed-in account; POSTs must carry the session's CSRF token."""
    viewer = await run_in_threadpool(_resolve, request, True)
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        if not signin.csrf_matches(viewer.csrf, await _form_token(request)):
            raise CsrfFailed()
    return viewer


async def signed_in_polling(request: Request) -> Viewer:
    """For background polling: does not extend the session's idle time."""
    return await run_in_threadpool(_resolve, request, False)


async def admin_only(viewer: Viewer = Depends(signed_in)) -> Viewer:
    if not viewer.is_admin:
        raise Forbidden()
    return viewer


async def case_worker(request: Request) -> None:
    """Mentors and admins only: facilitators of self-help groups never see cases (router-wide guard;
    the routes' own dependencies still sign in and check CSRF)."""
    viewer = await run_in_threadpool(_resolve, request, False)
    if viewer.role == "facilitator":
        raise Forbidden("mentors_only")


def optional_viewer(request: Request) -> Viewer | None:
    try:
        return _resolve(request, False)
    except LoginRequired:
        return None


# ------------------------------------------------------------------------------------ forms before sign-in

def _form_serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(config(request).secret_key, salt="dashboard-form")


def issue_form_token(request: Request, response: Response, token: str | None = None) -> str:
    """For the sign-in and invitation forms: the token goes in the form, its signed twin in a cookie."""
    token = token or secrets.token_urlsafe(24)
    set_cookie(request, response, FORM_COOKIE, _form_serializer(request).dumps(token))
    return token


def current_form_token(request: Request) -> str:
    try:
        return str(_form_serializer(request).loads(request.cookies.get(FORM_COOKIE, "")))
    except BadSignature:
        return secrets.token_urlsafe(24)


async def form_protected(request: Request) -> None:
    """CSRF check for forms used before signing in."""
    try:
        expected = _form_serializer(request).loads(request.cookies.get(FORM_COOKIE, ""))
    except BadSignature:
        raise CsrfFailed() from None
    if not signin.csrf_matches(str(expected), await _form_token(request)):
        raise CsrfFailed()


# ------------------------------------------------------------------------------------ rendering

def secure_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = DASHBOARD_CSP
    response.headers["Referrer-Policy"] = "no-referrer"  # invitation links must not leak
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"  # case data stays out of shared caches
    response.headers["X-Frame-Options"] = "DENY"
    return response


def page_language(request: Request, viewer: Viewer | None) -> str:
    return viewer.lang if viewer else request_language(request)


def _language_links(request: Request) -> list[tuple[str, str]]:
    """Before signing in: this page in each language (the other query parameters kept)."""
    query = {key: value for key, value in request.query_params.items() if key != "lang"}
    return [(code, request.url.path + "?" + urlencode({**query, "lang": code})) for code in SUPPORTED_LANGUAGES]


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           viewer: Viewer | None = None, status_code: int = 200, folder: str = "dashboard") -> HTMLResponse:
    lang = page_language(request, viewer)
    values = {
        "me": viewer, "csrf": viewer.csrf if viewer else "", "base": base(request),
        "asset_version": asset_version, "path": request.url.path, "notice": None, "error": None,
        "lang": lang, "t": i18n.texts(lang), "care": i18n.care(lang), "lang_query": i18n.lang_query(request),
        "language_links": [] if viewer else _language_links(request),
    }
    values.update(context or {})
    response = TEMPLATES.TemplateResponse(request, f"{folder}/{template}", values, status_code=status_code)
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept-Language, Cookie"
    return secure_headers(response)


def redirect(request: Request, path: str, **query: str) -> RedirectResponse:
    target = base(request) + path
    if query:
        target += "?" + "&".join(f"{key}={quote(str(value), safe='')}" for key, value in query.items())
    return RedirectResponse(target, status_code=303)


def install_handlers(app) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        if request.url.path.endswith(".json") or request.method != "GET":
            response: Response = JSONResponse(
                status_code=401,
                content={"error": {"code": "unauthorized",
                                   "message": "Your session expired; sign in again." if exc.expired
                                   else "Sign in first."}})
        else:
            query = {"next": request.url.path + (f"?{request.url.query}" if request.url.query else "")}
            if exc.expired:
                query["expired"] = "1"
            if i18n.lang_query(request):
                query["lang"] = request.query_params["lang"].strip().lower()
            response = redirect(request, "/dashboard/login", **query)
        if exc.expired:
            clear_cookie(request, response, SESSION_COOKIE)
        return secure_headers(response)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        viewer = optional_viewer(request)
        lang = page_language(request, viewer)
        return render(request, "error.html", {"title": say(lang, "errors.not_for_account"),
                                              "message": say(lang, f"errors.{exc.key}")},
                      viewer=viewer, status_code=403)

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, exc: CsrfFailed) -> Response:
        viewer = optional_viewer(request)
        lang = page_language(request, viewer)
        return render(request, "error.html", {"title": say(lang, "errors.form_refused_title"),
                                              "message": say(lang, "errors.form_refused")},
                      viewer=viewer, status_code=403)
