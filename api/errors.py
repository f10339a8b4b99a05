"""Error responses in the FastAPI form the SDK expects: `{"detail": ...}`; every 422 as a list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from docsort.logging import get_logger
from docsort.store.paging import InvalidPageToken

log = get_logger(__name__)


class ApiError(Exception):
    """A client-facing error with a status and a message (or a 422 detail list)."""

    def __init__(self, status_code: int, detail: str | list[dict[str, Any]]) -> None:
        super().__init__(detail if isinstance(detail, str) else str(detail))
        self.status_code = status_code
        self.detail = detail


def invalid(loc: Sequence[str | int], message: str, kind: str = "value_error") -> ApiError:
    """A 422 naming the offending field, in FastAPI's validation-error list form."""
    return ApiError(422, [{"loc": list(loc), "msg": message, "type": kind}])


def not_found(what: str) -> ApiError:
    """A 404 for an unknown id (or one in another project)."""
    return ApiError(404, f"{what} not found")


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that shape every error response."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)

    @app.exception_handler(InvalidPageToken)
    async def _bad_token(_: Request, exc: InvalidPageToken) -> JSONResponse:
        detail = [{"loc": ["query", "page_token"], "msg": str(exc), "type": "value_error"}]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {key: err[key] for key in ("loc", "msg", "type") if key in err} for err in exc.errors()
        ]
        return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", path=request.url.path, error=type(exc).__name__)
        return JSONResponse({"detail": "internal error; see the server log"}, status_code=500)
