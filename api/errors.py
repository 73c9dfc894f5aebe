"""Every error leaves the API as `{"error": {"code", "message", ...}}`."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 409: "conflict",
          410: "gone", 422: "invalid_request", 429: "too_many_requests"}


def _describe(error: dict) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
    message = error.get("msg", "invalid").removeprefix("Value error, ")
    if error.get("type") == "json_invalid":
        return "the body is not valid JSON"
    if error.get("type") == "missing":
        return f"{where} is required"
    return f"{where}: {message}" if where else message


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [_describe(error) for error in exc.errors()]
        return JSONResponse(
            status_code=422,
            content={"error": {"code": "invalid_request", "message": "; ".join(details), "details": details}},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # A dict detail carries its own code and messages (e.g. message_en / message_nl for people).
        error = {"code": _CODES.get(exc.status_code, "error")}
        error.update(exc.detail if isinstance(exc.detail, dict) else {"message": str(exc.detail)})
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return JSONResponse(status_code=exc.status_code, content={"error": error}, headers=headers or None)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route offers for this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if getattr(route, "methods", None) and route.matches(request.scope)[0] != Match.NONE:
            methods |= set(route.methods)
    return sorted(methods)
