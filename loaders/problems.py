"""Problems found in a file, row by row, and the report that collects them all.

Every reason is English text (``Problem.reason``: what the CLI prints, the logs and the store keep) that may
also remember its message template and parameters (a :class:`Message`), so the upload page can show it in the
reader's language: :func:`render` / :meth:`Problem.render` / :func:`problem_table` / :func:`report_lines`
translate it through :func:`layers.i18n.translator` while the row, column and value stay as they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd

from layers.i18n import N_

if TYPE_CHECKING:
    from layers.i18n import Translator

Severity = Literal["error", "warning"]

SEVERITIES = {"error": N_("error"), "warning": N_("warning")}
"""How a severity is shown (the stored value stays ``error``/``warning``)."""
COLUMNS = {"row": N_("row"), "column": N_("column"), "value": N_("value"), "reason": N_("reason"),
           "severity": N_("severity")}
"""Headers of a problems table: the key as in :meth:`Problem.as_dict`, and its (translated) header."""


class Message(str):
    """English text that remembers its message template (an ``N_()``-marked msgid) and its parameters.

    It *is* the English string (``Message(N_("not a number: {value}"), value="'x'") == "not a number: 'x'"``),
    so code that prints, compares, joins or stores reasons is unchanged; :meth:`render` gives it in another
    language. Parameter values: ``str`` (inserted as they are: values from the file, pre-formatted figures),
    ``int`` (a count or row number: Urdu digits when that setting is on), another :class:`Message` (rendered
    in the same language), or a list/tuple of these (joined with the language's comma).
    """

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, /, **params: Any) -> Message:
        text = template.format(**{k: _english(v) for k, v in params.items()}) if params else template
        obj = super().__new__(cls, text)
        obj.template = template
        obj.params = params
        return obj

    def render(self, tr: Translator | str | None = None) -> str:
        """This message in ``tr``'s language (a :class:`~layers.i18n.Translator` or a language code)."""
        tr = _translator(tr)
        if not tr.rtl and tr.lang == "en":
            return str(self)
        template = tr.gettext(self.template)
        if not self.params:
            return template
        try:
            return template.format(**{k: _localised(v, tr) for k, v in self.params.items()})
        except (KeyError, IndexError, ValueError):  # a broken translation: the English text, never a crash
            return str(self)


def _english(value: Any) -> str:
    if isinstance(value, Message):
        return str(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_english(v) for v in value)
    return str(value)


def _localised(value: Any, tr: Translator) -> str:
    if isinstance(value, Message):
        return value.render(tr)
    if isinstance(value, (list, tuple)):
        return tr.gettext(N_(", ")).join(_localised(v, tr) for v in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return tr.digits(str(value))
    return str(value)


def _translator(tr: Translator | str | None) -> Translator:
    from layers.i18n import Translator, translator

    return tr if isinstance(tr, Translator) else translator(tr)


def render(text: str | None, lang: Translator | str | None = None) -> str:
    """A reason (or any loader message) in ``lang``: a :class:`Message` translated with its parameters, a plain
    string looked up as a msgid (unchanged when the catalogue does not know it: a message from elsewhere)."""
    if text is None:
        return ""
    if isinstance(text, Message):
        return text.render(lang)
    return _translator(lang).gettext(text)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell, row or file.

    ``row`` is the row number a spreadsheet shows (header = 1) or the feature number from 1;
    ``None`` means the whole file. ``severity="error"`` rejects the row, ``"warning"`` keeps it.
    ``reason`` is English; when it is a :class:`Message` its :attr:`template` and :attr:`params` let
    :meth:`render` show it in another language.
    """

    row: int | None
    column: str | None
    value: Any
    reason: str
    severity: Severity = "error"

    @property
    def template(self) -> str:
        """The reason's msgid (with ``{placeholders}``); the reason itself when it has no template."""
        return self.reason.template if isinstance(self.reason, Message) else self.reason

    @property
    def params(self) -> Mapping[str, Any]:
        """The values of the template's placeholders (empty when the reason has none)."""
        return dict(self.reason.params) if isinstance(self.reason, Message) else {}

    def render(self, lang: Translator | str | None = None) -> str:
        """The reason in ``lang`` (English: exactly :attr:`reason`)."""
        return render(self.reason, lang)

    def as_dict(self) -> dict[str, Any]:
        out = {"row": self.row, "column": self.column, "reason": self.reason}
        if self.severity == "error":
            out = {"row": self.row, "column": self.column, "value": _jsonable(self.value), "reason": self.reason}
        return out

    def as_row(self, lang: Translator | str | None = None, *, severity: bool = False) -> dict[str, Any]:
        """:meth:`as_dict` for a table a person reads: headers and reason in ``lang``, the value as it was."""
        tr = _translator(lang)
        out = {tr.gettext(COLUMNS[k]): (render(v, tr) if k == "reason" or isinstance(v, Message) else v)
               for k, v in self.as_dict().items()}
        if severity:
            out[tr.gettext(COLUMNS["severity"])] = tr.gettext(SEVERITIES[self.severity])
        return out


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def problem_table(problems: Iterable[Problem], lang: Translator | str | None = None, *,
                  severity: bool = False) -> list[dict[str, Any]]:
    """Rows of a problems table in ``lang`` (headers row, column, value, reason translated; values as read)."""
    return [p.as_row(lang, severity=severity) for p in problems]


def problem_line(problem: Problem, lang: Translator | str | None = None) -> str:
    """One problem as one line, as ``bhatta check`` prints it, in ``lang``."""
    tr = _translator(lang)
    where = (tr.gettext(N_("row {row}")).format(row=tr.digits(str(problem.row))) if problem.row is not None
             else tr.gettext(N_("file")))
    if problem.severity == "error":
        template = N_("rejected {where}, column {column}: {reason}")
    else:
        template = N_("warning  {where}, column {column}: {reason}")  # two spaces: aligned with "rejected"
    return tr.gettext(template).format(where=where, column=problem.column or "-", reason=problem.render(tr))


def error_reason(error: BaseException, lang: Translator | str | None = None) -> str:
    """A reader's or the limits' refusal (:class:`loaders._errors.LoaderError`) in ``lang``: its reason only."""
    reason = getattr(error, "reason", None)
    return render(reason, lang) if reason is not None else str(error)


@dataclass
class Report:
    """Outcome of validating one file against one layer contract.

    ``accepted`` holds every accepted record (all columns, EPSG:4326 points where the layer has
    them); ``rows`` always equals ``len(accepted)`` plus the number of distinct rejected rows.
    """

    file: str
    layer: str
    rows: int
    accepted: gpd.GeoDataFrame
    problems: list[Problem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    """Contract field -> header in the file that supplied it."""
    extra_columns: list[str] = field(default_factory=list)
    """Headers outside the contract: kept with each record as they are."""

    @property
    def rejected(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({p.row for p in self.rejected if p.row is not None})

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "layer": self.layer,
            "rows": self.rows,
            "accepted": len(self.accepted),
            "rejected": [p.as_dict() for p in self.rejected],
            "warnings": [p.as_dict() for p in self.warnings],
        }

    def lines(self, lang: Translator | str | None = None) -> list[str]:
        """The whole report in ``lang`` as ``bhatta check`` prints it: a summary line, the columns used, then
        one indented line per problem (rejections first). In English, exactly the CLI's text."""
        tr = _translator(lang)
        count = lambda n: tr.digits(str(n))  # noqa: E731 (the CLI writes counts without grouping)
        out = [tr.gettext(N_("{file} ({layer}): {rows} rows, {accepted} accepted, {rejected} rejected, "
                             "{warnings} warnings")).format(
            file=self.file, layer=self.layer, rows=count(self.rows), accepted=count(len(self.accepted)),
            rejected=count(len(self.rejected_rows)), warnings=count(len(self.warnings)))]
        if self.columns:
            out.append(tr.gettext(N_("columns: {columns}")).format(
                columns=", ".join(f"{k} <- {v!r}" for k, v in self.columns.items())))
        out += ["  " + problem_line(p, tr) for p in self.rejected + self.warnings]
        return out

    def exit_code(self) -> int:
        """0 when every row was accepted, 1 when some were rejected."""
        return 0 if not self.rejected_rows else 1


def report_lines(report: Report, lang: Translator | str | None = None) -> list[str]:
    """:meth:`Report.lines`: a problem report in ``lang``."""
    return report.lines(lang)
