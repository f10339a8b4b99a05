"""Parsing untrusted documents into text per page, in a sandboxed child process.

Entry point: `docsort.parsing.sandbox.parse_document`; models in `docsort.parsing.models`,
the error in `docsort.parsing.errors`, page selection helpers in `docsort.parsing.pages`.
Children are forked by a per-process zygote (`zygote`, driven by `forkserver`); inside a
child, `dispatch` routes a document by its detected type (`sniff`) to an extractor, and
scanned pages go through `ocr`. This file imports nothing, so the zygote starts without
loading the parent's modules.
"""
