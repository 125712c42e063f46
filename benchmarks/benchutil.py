"""Helpers shared by the benchmark scripts (run as scripts, so imported as `benchutil`)."""

from __future__ import annotations

import importlib.metadata
import importlib.util


def plural(count: int, word: str, words: str | None = None) -> str:
    """'1 repeat', '5 repeats'."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


def goal_met(ok: bool) -> str:
    """The word printed in a goal column."""
    return "met" if ok else "**not met**"


def available(module: str) -> bool:
    """True when a module can be imported in this environment (without importing it)."""
    return importlib.util.find_spec(module) is not None


def version_of(distribution: str) -> str:
    """An installed distribution's version, or 'not installed'."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"
