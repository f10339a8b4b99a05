"""Form cues: what a document looks like (header lines, amounts, numbered clauses, ...), in words.

Topic words say what a text is about; document *types* differ as much by their form. Each cue
detects one layout feature from the text alone and scores it from 0 (absent) to 1 (plainly
there), and comes with a plain-words phrase saying what such a feature looks like. The hybrid
engine compares those phrases with the rules' descriptions, so a rule that says "with From, To,
Subject and Date lines" or "numbered sections" gains when the document shows them. Nothing here
knows any rule set: the cues are generic and the phrases describe forms, not labels.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["CUES", "Cue", "cue_strengths"]

# Only the start of a document is looked at: the form of a document shows on its first page.
_HEAD_CHARS = 4000


@dataclass(frozen=True, slots=True)
class Cue:
    """One form feature: its name, what it looks like in words, and its detector."""

    name: str
    phrase: str
    detect: Callable[[_Layout], float]


@dataclass(frozen=True, slots=True)
class _Layout:
    """The start of a document, split the ways the detectors need."""

    head: str
    lines: list[str]
    paragraphs: list[str]
    n_words: int


def cue_strengths(text: str) -> list[float]:
    """The strength (0..1) of every cue in `CUES` order for `text`."""
    head = text[:_HEAD_CHARS]
    layout = _Layout(
        head=head,
        lines=[line for line in head.splitlines() if line.strip()],
        paragraphs=[p for p in _PARAGRAPH_BREAK.split(head.strip()) if p.strip()],
        n_words=len(_WORD.findall(head)),
    )
    return [min(1.0, max(0.0, cue.detect(layout))) for cue in CUES]


_WORD = re.compile(r"\w+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_HEADER_FIELD = re.compile(r"^\s*(?:from|to|cc|bcc|subject|date|sent|reply-to)\s*:", re.I)
_QUOTED_REPLY = re.compile(r"^\s*>", re.M)
_GREETING = re.compile(
    r"^\s*(?:dear|hi|hello|hey|greetings|good (?:morning|afternoon|evening))\b", re.I
)
_CLOSING = re.compile(
    r"^\s*(?:regards|best regards|kind regards|sincerely|yours(?: \w+)?|thanks|thank you|cheers|"
    r"best wishes|best)\b[^\n]{0,20}$",
    re.I,
)
_LINK = re.compile(r"https?://|www\.", re.I)
_MONEY = re.compile(r"[$€£¥₹]\s?\d|\d[\d,]*[.,]\d{2}\b|\b(?:usd|eur|gbp|myr|inr|rm|rs)\b", re.I)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(
    rf"\b(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|{_MONTH}\s+\d{{1,2}},?\s+"
    rf"\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{2,4}})\b",
    re.I,
)
_KEY_VALUE = re.compile(r"^\s*[^\W\d_][\w .#/()-]{0,30}:\s*\S")
_NUMBERED = re.compile(
    r"^\s*(?:\(?\d{1,2}(?:\.\d{1,2})*[.)]\s+\S|\([a-z]\)\s|(?:section|article|clause)\s+\d)", re.I
)
_BULLET = re.compile(r"^\s*[-*•·▪]\s+\S")
_QUOTATION = re.compile(r"[\"“”]([^\"“”\n]{3,300})[\"“”]")
_SIGNATURE_LINE = re.compile(r"_{5,}|^\s*(?:by|name|title|signature)\s*:", re.I | re.M)
_NOTATION = re.compile(r"\$[^$\n]{1,80}\$|\\[a-z]+\{|\bet al\.|[=±≤≥∑∫]")
_CAPITALS = re.compile(r"\b[A-Z]{3,}\b")
_COLUMNS = re.compile(r"\S {3,}\S")


def _ratio(count: float, total: float, full_at: float) -> float:
    """`count / total` scaled so that a share of `full_at` or more gives 1."""
    return count / max(total, 1.0) / full_at


def _header_fields(d: _Layout) -> float:
    return sum(bool(_HEADER_FIELD.match(line)) for line in d.lines[:8]) / 3


def _quoted_reply(d: _Layout) -> float:
    return len(_QUOTED_REPLY.findall(d.head)) / 3


def _greeting(d: _Layout) -> float:
    return float(any(_GREETING.match(line) for line in d.lines[:12]))


def _closing(d: _Layout) -> float:
    return float(any(_CLOSING.match(line) for line in d.lines[-10:]))


def _links(d: _Layout) -> float:
    return len(_LINK.findall(d.head)) / 3


def _amounts(d: _Layout) -> float:
    return _ratio(sum(bool(_MONEY.search(line)) for line in d.lines), len(d.lines), 0.33)


def _dates(d: _Layout) -> float:
    return len(_DATE.findall(d.head)) / 3


def _key_values(d: _Layout) -> float:
    return _ratio(sum(bool(_KEY_VALUE.match(line)) for line in d.lines), len(d.lines), 0.33)


def _numbered(d: _Layout) -> float:
    return _ratio(sum(bool(_NUMBERED.match(line)) for line in d.lines), len(d.lines), 0.25)


def _bullets(d: _Layout) -> float:
    return _ratio(sum(bool(_BULLET.match(line)) for line in d.lines), len(d.lines), 0.25)


def _short_lines(d: _Layout) -> float:
    if len(d.lines) < 8:
        return 0.0
    short = sum(len(_WORD.findall(line)) <= 4 for line in d.lines) / len(d.lines)
    return (short - 0.3) / 0.5


def _columns(d: _Layout) -> float:
    return _ratio(sum(bool(_COLUMNS.search(line.strip())) for line in d.lines), len(d.lines), 0.3)


def _one_paragraph(d: _Layout) -> float:
    return float(len(d.paragraphs) == 1 and len(d.lines) <= 3 and 40 <= d.n_words <= 400)


def _headline(d: _Layout) -> float:
    if len(d.paragraphs) < 3 or len(d.paragraphs[0].splitlines()) != 1:
        return 0.0
    first = d.lines[0].rstrip()
    return float(
        2 <= len(_WORD.findall(first)) <= 12
        and not first.endswith((".", ":", ",", ";"))
        and not _HEADER_FIELD.match(first)
    )


def _quotations(d: _Layout) -> float:
    return len(_QUOTATION.findall(d.head)) / 4


def _signature_lines(d: _Layout) -> float:
    return len(_SIGNATURE_LINE.findall(d.head)) / 2


def _notation(d: _Layout) -> float:
    return len(_NOTATION.findall(d.head)) / 3


def _shouting(d: _Layout) -> float:
    capitals = len(_CAPITALS.findall(d.head)) / max(d.n_words, 1)
    exclamations = d.head.count("!") / max(d.n_words, 1)
    return max((capitals - 0.05) * 5, exclamations * 30)


# Every cue, in a fixed order (strength vectors follow it).
CUES: tuple[Cue, ...] = (
    Cue(
        "header_fields",
        "Sender, recipient, subject and date lines at the top, as in an e-mail message.",
        _header_fields,
    ),
    Cue("quoted_reply", "A reply that quotes lines of an earlier message.", _quoted_reply),
    Cue("greeting", "A greeting that addresses the reader, as in a letter or message.", _greeting),
    Cue("closing", "A closing such as regards or thanks, then the sender's name.", _closing),
    Cue("links", "Links to web sites to click.", _links),
    Cue("amounts", "Amounts of money: prices, totals, tax and payments.", _amounts),
    Cue("dates", "Dates and times.", _dates),
    Cue(
        "key_values", "Labelled fields, each a name followed by a value, as in a form.", _key_values
    ),
    Cue("numbered", "Numbered sections, clauses and paragraphs.", _numbered),
    Cue("bullets", "A bulleted list of items.", _bullets),
    Cue(
        "short_lines", "A list of short lines: items, quantities, prices and totals.", _short_lines
    ),
    Cue("columns", "A table laid out in columns.", _columns),
    Cue("one_paragraph", "A single paragraph of continuous text.", _one_paragraph),
    Cue("headline", "A title or headline on its own line, then paragraphs of text.", _headline),
    Cue("quotations", "Quotations of what people said, in quotation marks.", _quotations),
    Cue("signature_lines", "Signature lines with names and titles.", _signature_lines),
    Cue("notation", "Technical notation: formulas, symbols and citations.", _notation),
    Cue("shouting", "Capital letters and exclamation marks urging the reader to act.", _shouting),
)
