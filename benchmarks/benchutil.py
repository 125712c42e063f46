"""Helpers shared by the benchmark scripts (run as scripts, so imported as `benchutil`)."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import platform
import sys
from collections.abc import Iterable, Sequence


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


def log(message: str) -> None:
    """Progress on stderr, so stdout stays a clean Markdown report."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def fmt(value: float, digits: int = 1) -> str:
    """A number with thousands separators and a fixed number of decimals."""
    return f"{value:,.{digits}f}"


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def cpu_model() -> str:
    """The processor's model name from /proc/cpuinfo, or the platform's word for it."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
