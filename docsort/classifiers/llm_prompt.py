"""What docsort asks an LLM and how it reads the answer: messages, JSON schema, validation.

Token counts are estimated as characters / 4 (no tokenizer per model); a page image is
counted as `IMAGE_TOKENS`. The document's text is cut by whole pages to fit the provider's
`max_input_tokens` (a first page that alone is too long is cut inside).
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from docsort.classifiers.base import ClassificationResult, Rule

CHARS_PER_TOKEN = 4
# What one page image costs in the prompt (OpenAI's high detail for a ~1.4 MP page: 765).
IMAGE_TOKENS = 800
# Room kept for the chat template and the JSON wrapper of the messages.
OVERHEAD_TOKENS = 200
SCHEMA_NAME = "document_classification"
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL | re.IGNORECASE)
_NULL_WORDS = frozenset({"", "null", "none"})

Message = dict[str, Any]


class InvalidAnswer(ValueError):
    """The model's answer is not the JSON object asked for; the message says what is wrong."""


@dataclass
class Prompt:
    """The chat messages for one document, and notes for the result's reasoning."""

    messages: list[Message]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PageText:
    """One page of the document as sent: its number, text and (MULTIMODAL) PNG bytes."""

    number: int
    text: str
    image: bytes | None = None


def answer_schema(rules: Sequence[Rule]) -> dict[str, Any]:
    """The JSON schema of an answer: `type` one of the rule types or null (strict mode)."""
    return {
        "type": "object",
        "properties": {
            "type": {
                "anyOf": [
                    {"type": "string", "enum": [rule.type for rule in rules]},
                    {"type": "null"},
                ],
                "description": "the matching document type, or null when none fits",
            },
            "confidence": {
                "type": "number",
                "description": "probability from 0 to 1 that the answer is right",
            },
            "reasoning": {"type": "string", "description": "one or two sentences on why"},
        },
        "required": ["type", "confidence", "reasoning"],
        "additionalProperties": False,
    }


def build_prompt(rules: Sequence[Rule], pages: Sequence[PageText], max_input_tokens: int) -> Prompt:
    """The system and user messages for classifying `pages` against `rules`.

    Page images become `image_url` parts (PNG data URLs) after the text, each labelled with
    its page number; images and text share the token budget.
    """
    system = _system_message(rules)
    budget = max_input_tokens - estimate_tokens(system) - OVERHEAD_TOKENS
    notes: list[str] = []
    images = [page for page in pages if page.image is not None]
    max_images = max(1, budget // 2 // IMAGE_TOKENS)
    if len(images) > max_images:
        notes.append(
            f"only {max_images} of {len(images)} page images fit in the model's input limit"
        )
        images = images[:max_images]
    text, text_note = _fit_text(pages, budget - len(images) * IMAGE_TOKENS)
    if text_note:
        notes.append(text_note)
    parts: list[dict[str, Any]] = [{"type": "text", "text": text}]
    for page in images:
        assert page.image is not None
        encoded = base64.b64encode(page.image).decode("ascii")
        parts.append({"type": "text", "text": f"Image of page {page.number}:"})
        parts.append(
            {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{encoded}"}}
        )
    user: Message = {"role": "user", "content": text if not images else parts}
    return Prompt(messages=[{"role": "system", "content": system}, user], notes=notes)


def ask_again(prompt: Prompt, answer: str, problem: str) -> None:
    """Add the invalid answer and a request to answer again to the conversation."""
    prompt.messages.append({"role": "assistant", "content": answer})
    prompt.messages.append(
        {
            "role": "user",
            "content": f"That answer is not valid: {problem}. Answer again with only the JSON "
            'object {"type": ..., "confidence": ..., "reasoning": ...}.',
        }
    )


def parse_answer(content: str, rules: Sequence[Rule]) -> ClassificationResult:
    """The classification in a model's answer; InvalidAnswer when it does not validate.

    A `type` that is no rule's type (after a case-insensitive match) becomes null and the
    reasoning says so; a confidence outside [0, 1] is clamped into it.
    """
    data = _json_object(content)
    for key in ("type", "confidence", "reasoning"):
        if key not in data:
            raise InvalidAnswer(f"the JSON object has no {key!r}")
    raw_type, confidence, reasoning = data["type"], data["confidence"], data["reasoning"]
    if raw_type is not None and not isinstance(raw_type, str):
        raise InvalidAnswer("'type' must be a string or null")
    if isinstance(confidence, bool) or not isinstance(confidence, int | float):
        raise InvalidAnswer("'confidence' must be a number from 0 to 1")
    if not math.isfinite(confidence):
        raise InvalidAnswer("'confidence' must be a finite number")
    if not isinstance(reasoning, str):
        raise InvalidAnswer("'reasoning' must be a string")
    confidence = min(1.0, max(0.0, float(confidence)))
    reasoning = reasoning.strip() or "No reasoning was given."
    chosen = _rule_type(raw_type, rules)
    if raw_type is not None and raw_type.strip().lower() not in _NULL_WORDS and chosen is None:
        reasoning = (
            f"The model answered {raw_type[:60]!r}, which is not one of the rule types, "
            f"so no type was assigned. {reasoning}"
        )
    return ClassificationResult(type=chosen, confidence=confidence, reasoning=reasoning)


def estimate_tokens(text: str) -> int:
    """A model-independent token estimate: characters / 4, rounded up."""
    return -(-len(text) // CHARS_PER_TOKEN)


def _system_message(rules: Sequence[Rule]) -> str:
    listed = "\n".join(f"- {json.dumps(rule.type)}: {rule.description}" for rule in rules)
    return (
        "You classify one document into one of the document types below, or into none of "
        "them.\n\nDocument types:\n"
        f"{listed}\n\n"
        "Pick the type whose description fits the document best. When no description fits, "
        'the type is null. Answer with only a JSON object: {"type": one of the type names '
        'above or null, "confidence": a number from 0 to 1 that your answer is right, '
        '"reasoning": one or two sentences on why}.'
    )


def _fit_text(pages: Sequence[PageText], budget_tokens: int) -> tuple[str, str | None]:
    """The pages' text under a header, cut by whole pages to `budget_tokens`; a note if cut."""
    budget_chars = max(budget_tokens, 0) * CHARS_PER_TOKEN
    blocks: list[str] = []
    used = 0
    kept: list[int] = []
    cut = False
    for page in pages:
        block = f"--- page {page.number} ---\n{page.text}\n"
        if used + len(block) > budget_chars:
            cut = True
            if not kept:  # a first page that alone is too long: its beginning
                blocks.append(block[:budget_chars])
                kept.append(page.number)
            break
        blocks.append(block)
        used += len(block)
        kept.append(page.number)
    note = None
    if cut:
        shown = _page_list(kept) if kept else "none"
        note = f"the text was cut to fit the model's input limit (pages sent: {shown})"
    header = "The document's text"
    if pages:
        header += f" ({len(pages)} page{'s' if len(pages) != 1 else ''} extracted)"
    return f"{header}:\n\n" + "\n".join(blocks), note


def _page_list(numbers: Sequence[int]) -> str:
    if len(numbers) > 2 and numbers[-1] - numbers[0] == len(numbers) - 1:
        return f"{numbers[0]}-{numbers[-1]}"
    return ", ".join(str(n) for n in numbers)


def _json_object(content: str) -> Mapping[str, Any]:
    text = content.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1)
    if not text:
        raise InvalidAnswer("the answer is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise InvalidAnswer(f"the answer is not valid JSON ({err.msg} at char {err.pos})") from None
    if not isinstance(data, dict):
        raise InvalidAnswer("the answer is JSON but not an object")
    return data


def _rule_type(raw: str | None, rules: Sequence[Rule]) -> str | None:
    if raw is None:
        return None
    for rule in rules:
        if rule.type == raw:
            return rule.type
    folded = [rule.type for rule in rules if rule.type.strip().lower() == raw.strip().lower()]
    return folded[0] if len(folded) == 1 else None
