"""The classify queue's engine: loaded at start, or on its first document when FAST goes to an
LLM provider."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from docsort.classifiers import Classifier, Rule
from docsort.classifiers.factory import LazyClassifier, build_classifier, worker_classifier
from docsort.classifiers.hybrid import HybridClassifier
from docsort.settings import Settings

PROVIDERS = {"local": {"base_url": "http://127.0.0.1:9/v1", "model": "m"}}
RULES = [
    Rule(type="invoice", description="a bill asking for payment of an amount by a date"),
    Rule(type="recipe", description="cooking instructions with a list of ingredients"),
]
TEXTS = [
    "Invoice 17: consulting, 3 days, total due 2,400 EUR within 30 days.",
    "Ingredients: two eggs, flour, milk. Cooking instructions: whisk them, fry in butter.",
]


def test_the_embedded_engine_is_loaded_at_start_when_it_serves_fast() -> None:
    assert isinstance(worker_classifier(Settings()), HybridClassifier)


def test_with_an_llm_for_fast_the_engine_waits_for_its_first_document() -> None:
    settings = Settings(
        classifier_engine="lexical",
        llm_providers=PROVIDERS,
        classifier_fast_provider="local",
    )
    built: list[Classifier] = []

    def build() -> Classifier:
        built.append(build_classifier(settings))
        return built[-1]

    assert isinstance(worker_classifier(settings), LazyClassifier)
    lazy = LazyClassifier(build)
    assert not lazy.loaded and built == []
    with ThreadPoolExecutor(4) as pool:  # documents arriving together build it once
        results = list(pool.map(lambda t: lazy.classify(t, RULES), TEXTS * 4))
    assert lazy.loaded and len(built) == 1
    direct = build_classifier(settings)
    assert results == [direct.classify(t, RULES) for t in TEXTS * 4]
    assert [r.type for r in results[:2]] == ["invoice", "recipe"]
