"""The prompt, the answer's validation and the Retry-After reading, on plain values."""

from __future__ import annotations

import json

import pytest

from docsort.classifiers.base import Rule
from docsort.classifiers.llm_prompt import (
    InvalidAnswer,
    PageText,
    build_prompt,
    parse_answer,
)

RULES = [
    Rule(type="invoice", description="A bill asking for payment of an amount due."),
    Rule(type="Contract", description="A legal agreement between parties with clauses."),
]


def _answer(**fields: object) -> str:
    base: dict[str, object] = {"type": "invoice", "confidence": 0.5, "reasoning": "why"}
    base.update(fields)
    return json.dumps(base)


def test_a_valid_answer_is_read_and_a_fenced_one_too() -> None:
    assert parse_answer(_answer(), RULES).type == "invoice"
    fenced = f"```json\n{_answer(type=None)}\n```"
    assert parse_answer(fenced, RULES).type is None


def test_type_matches_a_rule_ignoring_case_and_an_unknown_type_is_null() -> None:
    assert parse_answer(_answer(type="contract"), RULES).type == "Contract"
    unknown = parse_answer(_answer(type="memo", reasoning="A short note."), RULES)
    assert unknown.type is None
    assert "'memo'" in unknown.reasoning and unknown.reasoning.endswith("A short note.")


def test_confidence_is_clamped_into_0_1() -> None:
    assert parse_answer(_answer(confidence=1.7), RULES).confidence == 1.0
    assert parse_answer(_answer(confidence=-3), RULES).confidence == 0.0


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "empty"),
        ("not json", "not valid JSON"),
        ("[1, 2]", "not an object"),
        (json.dumps({"type": "invoice", "reasoning": "x"}), "'confidence'"),
        (_answer(confidence="high"), "'confidence' must be a number"),
        (_answer(confidence=True), "'confidence' must be a number"),
        (_answer(type=3), "'type' must be a string or null"),
        (_answer(reasoning=None), "'reasoning' must be a string"),
    ],
)
def test_answers_that_do_not_validate_say_why(content: str, problem: str) -> None:
    with pytest.raises(InvalidAnswer, match=problem):
        parse_answer(content, RULES)


def test_text_is_cut_by_whole_pages_to_fit_the_input_limit() -> None:
    pages = [PageText(number=n, text=f"page {n} " + "x" * 4000) for n in range(1, 11)]
    prompt = build_prompt(RULES, pages, max_input_tokens=4000)
    text = prompt.messages[1]["content"]
    assert "--- page 1 ---" in text and "--- page 10 ---" not in text
    assert prompt.notes and "cut to fit" in prompt.notes[0]
    assert len(text) <= 4000 * 4
    whole = build_prompt(RULES, pages[:2], max_input_tokens=100_000)
    assert not whole.notes and "--- page 2 ---" in whole.messages[1]["content"]


def test_a_first_page_longer_than_the_limit_is_cut_inside() -> None:
    prompt = build_prompt(RULES, [PageText(number=1, text="y" * 100_000)], 2000)
    assert "--- page 1 ---" in prompt.messages[1]["content"]
    assert len(prompt.messages[1]["content"]) < 2000 * 4
    assert prompt.notes


def test_page_images_follow_the_text_as_labelled_image_parts() -> None:
    pages = [PageText(number=2, text="two", image=b"\x89PNG2"), PageText(number=5, text="five")]
    parts = build_prompt(RULES, pages, 8000).messages[1]["content"]
    assert [p["type"] for p in parts] == ["text", "text", "image_url"]
    assert parts[1]["text"] == "Image of page 2:"
    assert parts[2]["image_url"]["url"].startswith("data:image/png;base64,")
