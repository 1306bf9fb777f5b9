"""The ASGI application: the JSON API, the playground page, and the limits around them.

FastAPI, because it derives the OpenAPI document from the same pydantic models that
define `fto ask --json` and `fto whatif --json` (engine.answers.Answer, engine.session.WhatIf),
so the published contract cannot drift from the CLI's. Every answer is computed in a
solver process (engine.web.pool), never in the server, and passed through as the JSON
text that process wrote.
"""

from __future__ import annotations

import gc
import hashlib
import json
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from typing import Any, AsyncIterator, Literal, Union

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine.answers import Answer
from engine.cli import predicate_rows
from engine.registry import search
from engine.scenario import Scenario
from engine.session import WhatIf
from engine.web.bundled import catalogue
from engine.web.pool import Failure, Limits, Pool

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
"""Only the page's own files run; nothing is loaded from elsewhere, and the page cannot be framed."""

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    timeout_s: float = 60.0
    """Per request, when `fto --timeout` is not given: a server must bound every request."""
    memory_mb: int = 8192
    max_request_bytes: int = 2 * 1024 * 1024
    max_sessions: int = 16
    """Warm sessions kept per solver process."""
    session_idle_s: float = 900.0
    allow_origins: tuple[str, ...] = ()


# --- request and error bodies (the OpenAPI document is built from these) -----------------------

ScenarioInput = Union[str, dict[str, Any]]


class _Question(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scenario: ScenarioInput = Field(description="The scenario: YAML text (errors name its lines) or a JSON object.")
    as_of: str | None = Field(None, description="Ask as of this date (YYYY-MM-DD) instead of the scenario's as_of.")
    readings: dict[str, Any] | None = Field(
        None, description="Open points of law fixed one way, e.g. {\"frap_26a_extends_deadline\": true}, as "
                          "`fto ask --reading NAME=yes` fixes them (`fto readings` lists the names); left out, "
                          "the engine reasons over both and names the one that decides an answer.")


class AskRequest(_Question):
    """What `fto ask SCENARIO QUESTION [--as-of] [--why-not]` takes; the scenario as YAML text or a JSON object."""

    question: Union[str, list[str]] = Field(description="A conclusion atom such as designated(cjng), or a list of them.")
    why_not: bool = Field(False, description="As --why-not: for a `no`, the smallest changes that make it `yes`.")


class WhatIfRequest(_Question):
    """What `fto whatif SCENARIO QUESTION --set --remove --patch` takes; the paths are the same as --set's."""

    question: str = Field(description="A conclusion atom such as material_support(supplier, t1).")
    set: dict[str, Any] = Field({}, description="PATH: value; a text value is read as YAML, as --set reads it.")
    remove: list[str] = Field([], description="Paths to delete, as --remove.")
    patch: dict[str, Any] | None = Field(None, description="A partial scenario merged over the base, as --patch.")


class ValidateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scenario: ScenarioInput


class ErrorBody(BaseModel):
    """The one line the CLI prints after `error: `, and its parts where known."""

    error: str
    source: str | None = None
    line: int | None = None
    where: str | None = None


Format = Literal["json", "memo", "dot", "svg"]
FORMAT = Query("json", description="As `--format`: json, memo (Markdown), dot (the proof as a Graphviz graph) or "
                                   "svg (that graph drawn, where the server has Graphviz); memo, dot and svg are of "
                                   "one question.")
VIEWS = {"text/markdown": {}, "text/vnd.graphviz": {}, "image/svg+xml": {}}

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Bad input: the CLI's one-line message."},
    413: {"model": ErrorBody, "description": "Over a limit: request size, --timeout or --max-memory-mb."},
}


def create_app(settings: Settings = Settings()) -> FastAPI:
    pool = Pool(settings.workers, Limits(settings.timeout_s, settings.memory_mb, settings.max_sessions,
                                         settings.session_idle_s))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        pool.start()
        # The server's modules and app live as long as it does: the garbage collector need not walk them
        # again and again (a full collection over them took about 90 ms here, paid by whichever request met it).
        gc.freeze()
        try:
            yield
        finally:
            pool.close()

    app = FastAPI(title="fto", summary="US Foreign Terrorist Organization law: ask, what-if, explain.",
                  version=_version(), docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.pool = pool
    _install_errors(app)

    async def solve(op: str, body: BaseModel, view: str = "json") -> Response:
        request = body.model_dump()
        try:
            reply = await pool.call(_key(request["scenario"], request.get("as_of"), request.get("readings")),
                                    {"op": op, "format": view, **request})
        except Failure as exc:
            return _error(exc.status, exc.message)
        if reply[0] == "error":
            return JSONResponse(reply[2], status_code=reply[1])
        headers = dict(reply[2])
        return Response(reply[1], media_type=headers.pop("Content-Type", "application/json"), headers=headers)

    @app.post("/api/ask", responses={200: {"model": Union[Answer, list[Answer]], "content": VIEWS}, **ERRORS})
    async def ask(body: AskRequest, format: Format = FORMAT) -> Response:
        """The object `fto ask --json` prints (a list of them for a list of questions), or its memo or graph."""
        return await solve("ask", body, format)

    @app.post("/api/whatif", responses={200: {"model": WhatIf, "content": VIEWS}, **ERRORS})
    async def whatif(body: WhatIfRequest, format: Format = FORMAT) -> Response:
        """The object `fto whatif --json` prints, or its memo (--format memo) or the graph after the change.
        Repeated what-ifs on one scenario reuse a warm session."""
        return await solve("whatif", body, format)

    @app.post("/api/validate", responses=ERRORS)
    async def validate(body: ValidateRequest) -> Response:
        """The scenario checked as `fto` checks a file; its ids and the facts a what-if can change."""
        return await solve("validate", body)

    @app.get("/api/predicates")
    def predicates() -> list[dict[str, Any]]:
        """As `fto predicates --json`."""
        return predicate_rows()

    @app.get("/api/registry")
    def registry(q: str = Query("", max_length=200, description="Search ids, names and regions.")) -> list[dict[str, Any]]:
        """As `fto registry TERM --json`."""
        return [e.as_dict() for e in search(q)]

    @app.get("/api/schema")
    def schema() -> dict[str, Any]:
        """As `fto schema`: the JSON Schema of scenario files."""
        return Scenario.model_json_schema(by_alias=True)

    @app.get("/api/cases")
    def cases() -> list[dict[str, Any]]:
        """The bundled examples and cases, to load as starting points."""
        return [b.summary() for b in catalogue().values()]

    @app.get("/api/cases/{name:path}")
    def case(name: str) -> dict[str, Any]:
        """One bundled scenario's text, by its id in /api/cases (nothing else can be opened)."""
        found = catalogue().get(name)
        if found is None:
            raise HTTPException(404, f"{name!r} is not a bundled case; /api/cases lists them")
        return {**found.summary(), "text": found.text}

    @app.get("/api/health")
    async def health() -> dict[str, Any]:
        """Whether every solver process has loaded the engine (waits for them)."""
        await pool.ready()
        return {"ready": pool.all_ready(), "workers": len(pool.workers)}

    @app.get("/", response_class=HTMLResponse)
    def page() -> HTMLResponse:
        return HTMLResponse(resources.files("engine.web").joinpath("static/index.html").read_text(encoding="utf-8"))

    app.mount("/static", StaticFiles(packages=[("engine.web", "static")]), name="static")
    return _guarded(app, settings)


def _guarded(app: FastAPI, settings: Settings) -> Any:
    """The layers every request passes: host check, size limit, security headers, CORS if asked for."""
    from starlette.middleware.cors import CORSMiddleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    if settings.allow_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.allow_origins),
                           allow_methods=["GET", "POST"], allow_headers=["content-type"])
    app.add_middleware(BodyLimit, limit=settings.max_request_bytes)
    if settings.host in LOOPBACK:  # a page elsewhere cannot reach a local server by a name it controls
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=sorted(LOOPBACK | {"[::1]"}))
    app.add_middleware(SecurityHeaders)  # the outermost: on every answer, refusals included
    return app


def _key(scenario: Any, as_of: str | None, readings: Any = None) -> str:
    """The hash a warm session is kept under: the scenario exactly as sent, the date asked and the
    readings fixed (a session answers under one set of readings)."""
    text = scenario if isinstance(scenario, str) else json.dumps(scenario, sort_keys=True, ensure_ascii=False)
    fixed = json.dumps(readings or {}, sort_keys=True, default=str)
    return hashlib.sha256(f"{as_of}\0{fixed}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("fto-engine")
    except PackageNotFoundError:
        return "0"


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": " ".join(message.split())}, status_code=status)


UNION_TAGS = frozenset({"str", "list[str]", "dict[str,any]"})
"""How pydantic names the alternatives of a union field in an error's place; not a key the user wrote."""


def _install_errors(app: FastAPI) -> None:
    """Every failure is one line in {"error": ...}, as the CLI prints it; the server goes on."""

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query") and str(p) not in UNION_TAGS]
        if first.get("type") == "json_invalid":
            return _error(400, "<request>: the body is not valid JSON")
        if not loc:  # e.g. a form or plain text: FastAPI reads JSON only when the request says it is JSON
            return _error(400, "<request>: the body must be a JSON object, sent as content-type: application/json")
        where = ".".join(loc)
        problem = "required key is missing" if first.get("type") == "missing" else first.get("msg", "invalid value")
        return _error(400, f"<request>: {where}: {problem}" if where else f"<request>: {problem}")

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI could not parse the body (e.g. JSON nested past Python's limit)
            return _error(400, "<request>: the body is not valid JSON")
        return _error(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def internal(_: Request, exc: Exception) -> JSONResponse:
        return _error(500, f"internal error ({type(exc).__name__}): {exc}")


class BodyLimit:
    """Refuse a request body over the limit (413) before anything reads it."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = _error(413, f"<request>: the body is over {self.limit:,} bytes, the limit of this server")
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await too_large(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            if len(body) > self.limit:
                await too_large(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class SecurityHeaders:
    """A Content-Security-Policy and its companions on every response."""

    HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
               (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY")]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *self.HEADERS]}
            await send(message)

        await self.app(scope, receive, with_headers)


def run(settings: Settings) -> None:
    """Serve until interrupted."""
    import uvicorn

    app = create_app(settings)
    shown = f"[{settings.host}]" if ":" in settings.host else settings.host
    print(f"fto playground on http://{shown}:{settings.port}/ (API: /openapi.json); Ctrl+C stops it", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", server_header=False)
