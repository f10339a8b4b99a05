"""Wire models shared by several surfaces: rules, pages of results, projects."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from docsort.domain import Rule
from docsort.languages import is_known_language

T = TypeVar("T")

MAX_RULES = 100
PageSize = Annotated[int, Field(ge=1, le=1000)]


class RuleIn(BaseModel):
    """One classification rule as a client sends it."""

    model_config = ConfigDict(extra="ignore")

    type: str = Field(min_length=1, max_length=50)
    description: str = Field(min_length=10, max_length=500)

    def to_domain(self) -> Rule:
        """The rule as the engine sees it."""
        return Rule(type=self.type, description=self.description)


class LanguageField(BaseModel):
    """Mixin validating `lang` against the language table (v1 codes and ISO 639-1)."""

    lang: str | None = None

    @field_validator("lang")
    @classmethod
    def _known_lang(cls, value: str | None) -> str | None:
        if value is not None and not is_known_language(value):
            raise ValueError(f"unknown language code {value!r}")
        return value


def check_rules(rules: list[RuleIn]) -> list[RuleIn]:
    """At least one rule, at most MAX_RULES, types unique."""
    if not rules:
        raise ValueError("at least one rule is required")
    if len(rules) > MAX_RULES:
        raise ValueError(f"at most {MAX_RULES} rules are allowed, got {len(rules)}")
    seen: dict[str, int] = {}
    for index, rule in enumerate(rules):
        if rule.type in seen:
            raise ValueError(
                f"rules[{index}].type {rule.type!r} repeats rules[{seen[rule.type]}].type;"
                " types must be unique"
            )
        seen[rule.type] = index
    return rules


class RulesField(BaseModel):
    """Mixin for bodies that carry `rules`."""

    rules: list[RuleIn]

    @field_validator("rules")
    @classmethod
    def _rules(cls, value: list[RuleIn]) -> list[RuleIn]:
        return check_rules(value)


class RuleOut(BaseModel):
    """A rule as stored."""

    type: str
    description: str


class ResultOut(BaseModel):
    """The classification of one document."""

    type: str | None
    confidence: float
    reasoning: str


class CursorPage(BaseModel, Generic[T]):
    """A cursor page (contract §3)."""

    items: list[T]
    next_page_token: str | None = None
    total_size: int | None = None


class ProjectOut(BaseModel):
    """A project as `GET /api/v1/projects` shows it."""

    id: str
    name: str
    organization_id: str
    created_at: datetime | None = None
    updated_at: datetime | None = None
    is_default: bool = True
