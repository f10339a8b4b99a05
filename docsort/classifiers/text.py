"""Text normalisation shared by the lexical engine: words, stop words and Snowball stems."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer

__all__ = ["STOP_WORDS", "StemCounts", "count_stems", "stem", "stems", "words"]

# A word is a run of Unicode letters and digits (underscores, hyphens and apostrophes split words,
# so "spam_email" and "e-mail" give two words) that holds at least one letter: pure numbers such as
# amounts, dates and page numbers carry no topic and are dropped; "covid19" or "mp3" are kept.
_WORD = re.compile(r"[^\W_]+")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_MIN_WORD_LENGTH = 2

# Common English function words and a few high-frequency verbs that say nothing about a topic.
_STOP_WORDS_TEXT = """
    a about above after again against all almost also although am among an and another any are
    aren around as at be became because been before being below between both but by can cannot
    could couldn did didn do does doesn doing don done down during each either else etc even ever
    every few for from further get gets got had hadn has hasn have haven having he her here hers
    herself him himself his how however i ie if in into is isn it its itself just let ll may me
    might more most much must mustn my myself neither no nor not now of off often on once one only
    or other others our ours ourselves out over own per rather re same shall shan she should
    shouldn since so some such than that the their theirs them themselves then there these they
    this those though through thus to too under until up upon us ve very via was wasn we were
    weren what whatever when where whether which while who whom whose why will with within without
    won would wouldn yet you your yours yourself yourselves
"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_WORDS_TEXT.split())


@dataclass(frozen=True, slots=True)
class StemCounts:
    """How often each stem occurs in a text, and the first spelling of each stem in it."""

    counts: dict[str, int]
    surfaces: dict[str, str]


def words(text: str) -> list[str]:
    """The lower-cased words of `text` that can carry meaning (no numbers, no stop words)."""
    return [surface.lower() for surface in _iter_words(text)]


def stems(text: str) -> list[str]:
    """The Snowball stems of the meaningful words of `text`, in order, with repeats."""
    return [stem(word) for word in words(text)]


def count_stems(text: str) -> StemCounts:
    """Count the stems of the meaningful words of `text`, remembering how each was first written."""
    counts: dict[str, int] = {}
    surfaces: dict[str, str] = {}
    # Count spellings first (dicts keep first-seen order): each distinct spelling is stemmed once.
    for surface, n in Counter(_iter_words(text)).items():
        key = stem(surface.lower())
        counts[key] = counts.get(key, 0) + n
        surfaces.setdefault(key, surface)
    return StemCounts(counts, surfaces)


@lru_cache(maxsize=131_072)
def stem(word: str) -> str:
    """The English Snowball stem of a lower-cased word (memoised; safe across threads)."""
    return str(_thread_stemmer().stemWord(word))


def _iter_words(text: str) -> Iterator[str]:
    for surface in _WORD.findall(text):
        if (
            len(surface) >= _MIN_WORD_LENGTH
            and surface.lower() not in STOP_WORDS
            and _HAS_LETTER.search(surface)
        ):
            yield surface


_local = threading.local()


def _thread_stemmer() -> Any:
    # Snowball stemmer objects keep per-call state, so each thread gets its own.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = snowballstemmer.stemmer("english")
        _local.stemmer = stemmer
    return stemmer
