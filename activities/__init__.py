"""Temporal activities: thin wrappers that call the core (database, blobs, parsing, classifiers)."""
