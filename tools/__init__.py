"""The book's build and upkeep, run from the repository root as `python -m tools.NAME`."""
