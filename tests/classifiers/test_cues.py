"""Form cues: each layout feature is seen where it is and not where it is not."""

from __future__ import annotations

from docsort.classifiers.cues import CUES, cue_strengths

NAMES = [cue.name for cue in CUES]

# Texts written for these tests.
EMAIL = """From: Ada Lovelace <ada@example.org>
To: Charles <charles@example.org>
Subject: Re: the engine notes
Date: Mon, 3 Jun 2024 09:12:00 +0100

Hi Charles,

> Could you send the notes before Friday?
> I would like to read them on the train.
> Thanks, C.

Of course, they are attached.

Regards,
Ada"""
CLAUSES = """1. Definitions. Words in capitals have the meanings given here.
2. Term. This agreement starts on the date of the last signature.
3. Termination. Either party may end it with ninety days' notice.
4. Governing law. The laws of England apply.

By: ______________________   Name: ______________   Title: ______________"""
PROSE = (
    "The ferry left the harbour late that evening, and the passengers watched the lights of "
    "the town grow small behind them while the gulls followed the wake for a mile or more "
    "before turning back towards the cliffs where they nested every spring."
)


def strengths(text: str) -> dict[str, float]:
    return dict(zip(NAMES, cue_strengths(text), strict=True))


def test_every_cue_has_a_phrase_and_strengths_are_within_unit_interval() -> None:
    assert len(set(NAMES)) == len(CUES) and all(cue.phrase.endswith(".") for cue in CUES)
    for text in (EMAIL, CLAUSES, PROSE, "", "!!!!! FREE FREE FREE !!!!!"):
        assert all(0.0 <= s <= 1.0 for s in cue_strengths(text))


def test_email_header_greeting_quoted_reply_and_closing_are_seen() -> None:
    seen = strengths(EMAIL)
    for name in ("header_fields", "greeting", "quoted_reply", "closing"):
        assert seen[name] == 1.0, name
    assert seen["numbered"] == 0.0


def test_numbered_clauses_and_signature_lines_are_seen() -> None:
    seen = strengths(CLAUSES)
    assert seen["numbered"] == 1.0 and seen["signature_lines"] == 1.0
    assert seen["header_fields"] == 0.0 and seen["greeting"] == 0.0


def test_plain_prose_shows_one_paragraph_and_nothing_else() -> None:
    seen = strengths(PROSE)
    assert seen["one_paragraph"] == 1.0
    assert sum(seen.values()) == 1.0
