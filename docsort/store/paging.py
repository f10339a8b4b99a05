"""Keyset (cursor) pagination with opaque page tokens (contract §3)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

T = TypeVar("T")


class InvalidPageToken(ValueError):
    """A `page_token` that docsort did not issue (or issued for another listing)."""


@dataclass(frozen=True)
class SortKey:
    """One column of a listing's order, ascending unless `descending`."""

    column: InstrumentedAttribute[Any]
    descending: bool = False


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing: its rows and the token of the next page (None at the end)."""

    items: list[T]
    next_page_token: str | None


def encode_token(values: Sequence[Any]) -> str:
    """An opaque token holding the sort key of the last row of a page."""
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str, keys: Sequence[SortKey]) -> list[Any]:
    """The sort key held by `token`; raises InvalidPageToken when it does not fit `keys`."""
    try:
        padded = token + "=" * (-len(token) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidPageToken("page_token is not a token docsort issued") from exc
    if not isinstance(values, list) or len(values) != len(keys):
        raise InvalidPageToken("page_token does not belong to this listing")
    decoded: list[Any] = []
    for key, value in zip(keys, values, strict=True):
        if key.column.key.endswith("_at"):
            try:
                value = datetime.fromisoformat(str(value))
            except ValueError as exc:
                raise InvalidPageToken("page_token does not belong to this listing") from exc
        decoded.append(value)
    return decoded


async def fetch_page(
    session: AsyncSession,
    statement: Select[T],
    keys: Sequence[SortKey],
    page_size: int,
    page_token: str | None,
) -> Page[T]:
    """Run `statement` ordered by `keys`, starting after `page_token`, `page_size` rows at most."""
    if page_token:
        statement = statement.where(_after(keys, decode_token(page_token, keys)))
    order = [k.column.desc() if k.descending else k.column.asc() for k in keys]
    rows = list((await session.scalars(statement.order_by(*order).limit(page_size + 1))).all())
    if len(rows) <= page_size:
        return Page(rows, None)
    rows = rows[:page_size]
    last = rows[-1]
    return Page(rows, encode_token([getattr(last, k.column.key) for k in keys]))


def _after(keys: Sequence[SortKey], values: Sequence[Any]) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = []
    for i, key in enumerate(keys):
        equal_prefix = [keys[j].column == values[j] for j in range(i)]
        beyond = key.column < values[i] if key.descending else key.column > values[i]
        clauses.append(and_(*equal_prefix, beyond))
    return or_(*clauses)
