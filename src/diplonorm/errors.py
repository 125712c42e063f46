"""Exceptions raised by diplonorm."""

from __future__ import annotations


class DiplonormError(Exception):
    """Base class of every diplonorm error."""


class GazetteerError(DiplonormError, ValueError):
    """A gazetteer file or record is invalid; the message names the file, line and field."""

    def __init__(self, message: str, *, path: str = "", line: int = 0, field: str = "") -> None:
        self.path = path
        self.line = line
        self.field = field
        self.reason = message
        where = f"{path}:{line}: " if path else ""
        what = f"field '{field}': " if field else ""
        super().__init__(f"{where}{what}{message}")
