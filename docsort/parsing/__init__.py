"""Parsing untrusted documents into text per page, in a sandboxed child process.

Entry point: `docsort.parsing.sandbox.parse_document`; models in `docsort.parsing.models`,
the error in `docsort.parsing.errors`. This file imports nothing, so the sandbox child
(`python -m docsort.parsing.child`) starts without loading the parent's modules.
"""
