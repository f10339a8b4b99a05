"""`python -m docsort …` runs the CLI."""

from docsort.cli import main

main()
