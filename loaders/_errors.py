"""Exception types of the loaders: a file we cannot read, or a file that lacks what its layer needs."""

from __future__ import annotations

from pathlib import Path

from layers.i18n import N_
from loaders.problems import Message


class LoaderError(Exception):
    """Base class: a problem with a whole file, reported as one clear line (never a traceback).

    ``reason`` is English (often a :class:`loaders.problems.Message`: :func:`loaders.problems.error_reason`
    shows it in another language).
    """

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{Path(self.path).name}: {reason}")


class UnreadableFile(LoaderError):
    """The file cannot be read at all (format, encoding, corrupt archive, unsafe zip member...)."""


class MissingColumns(LoaderError):
    """A required column of the layer's contract was not found in the file."""

    def __init__(self, path: str | Path, missing: list[str], seen: list[str]) -> None:
        self.missing = list(missing)
        self.seen = list(seen)
        shown = [repr(c) for c in seen] if seen else Message(N_("none"))
        reason = Message(
            N_("required column(s) not found: {missing}; columns seen: {seen}. "
               "Name the column with --column FIELD=HEADER (or pick it on the upload page)."),
            missing=list(missing), seen=shown,
        )
        super().__init__(path, reason)


class FileTooLarge(UnreadableFile):
    """The file is past one of the limits of :mod:`loaders.limits` (bytes, rows, columns, zip members...).

    ``limit`` names the constant that refused it (``"MAX_ROWS"``...), so a caller can tell which limit.
    """

    def __init__(self, path: str | Path, reason: str, *, limit: str) -> None:
        self.limit = limit
        super().__init__(path, reason)
