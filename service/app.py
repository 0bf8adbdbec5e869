"""FastAPI application factory: state, middleware, error handlers, routers."""
from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.auth import AuthError, SessionSigner
from service.db import ReflectedTables, open_warehouse
from service.limits import BodySizeLimit, SecurityHeaders
from service.settings import ServiceSettings

log = logging.getLogger(__name__)
PACKAGE_DIR = Path(__file__).parent


class ClassifierHolder:
    """Loads the classifier once (at startup or on first use) and serialises predictions."""

    def __init__(self, model_dir: str, classifier: Any | None = None) -> None:
        self.model_dir = model_dir
        self._classifier = classifier
        self._load_lock = threading.Lock()
        # One prediction at a time: the model already uses every core, parallel calls only thrash.
        self._predict_lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._classifier is not None

    def get(self) -> Any:
        with self._load_lock:
            if self._classifier is None:
                from nlp.classify import load_classifier

                self._classifier = load_classifier(self.model_dir)
            return self._classifier

    @property
    def model_version(self) -> str:
        classifier = self.get()
        version = getattr(classifier, "model_version", None) or getattr(classifier, "version", None)
        return str(version or type(classifier).__name__)

    def predict(self, texts: list[str]) -> Any:
        classifier = self.get()
        with self._predict_lock:
            return classifier.predict(texts)


@dataclass
class ServiceState:
    """What every request handler needs, stored on app.state.service."""

    settings: ServiceSettings
    engine: Any
    tables: ReflectedTables
    signer: SessionSigner
    classifier: ClassifierHolder


def get_state(request: Request) -> ServiceState:
    return request.app.state.service


def _error_body(exc: RequestValidationError) -> dict[str, Any]:
    """Validation errors without the offending input (it may be a 100,000-character customer text)."""
    errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg", "invalid")}
              for e in exc.errors()]
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    if first["loc"] == ["body"] and first["msg"] == "Field required":
        return {"detail": "request body is required (a JSON object)", "errors": errors}
    where = ".".join(first["loc"][1:]) or ("body" if first["loc"][:1] == ["body"] else "request")
    return {"detail": f"{where}: {first['msg']}", "errors": errors[:20]}


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def on_validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        malformed = any(e.get("type") == "json_invalid" for e in exc.errors())
        if malformed:
            return JSONResponse({"detail": "request body is not valid JSON"}, status_code=400)
        return JSONResponse(_error_body(exc), status_code=422)

    @app.exception_handler(AuthError)
    async def on_auth(request: Request, exc: AuthError) -> Response:
        from service.pages import auth_error_page

        if not request.url.path.startswith("/v1/"):
            return auth_error_page(request, exc)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return JSONResponse({"detail": exc.message}, status_code=exc.status_code, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def on_unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse({"detail": "internal error; see the server log"}, status_code=500)


def create_app(settings: ServiceSettings, classifier: Any | None = None) -> FastAPI:
    """Build the app; pass `classifier` (anything with predict(texts)) to skip loading the model."""
    from service import api, pages

    warehouse = open_warehouse(settings.warehouse_url)
    state = ServiceState(
        settings=settings, engine=warehouse.engine, tables=ReflectedTables(warehouse.engine),
        signer=SessionSigner(settings.session_secret, settings.session_hours * 3600),
        classifier=ClassifierHolder(settings.model_dir, classifier),
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.load_model_at_startup:
            try:
                state.classifier.get()
            except FileNotFoundError as exc:  # pages and scorecards still work without a model
                log.warning("classifier not loaded: %s", exc)
        yield
        warehouse.dispose()

    app = FastAPI(title="家政 feedback service", version="1.0",
                  description="Complaint mining and worker scorecards; see docs/service.md.",
                  lifespan=lifespan)
    app.state.service = state
    _install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=PACKAGE_DIR / "static"), name="static")
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app
