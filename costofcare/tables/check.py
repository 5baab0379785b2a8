"""Check a table against its declaration: every problem as an issue row, never the first.

:func:`validate` returns the usable rows and one issue row per problem (in the shape of
:data:`costofcare.tables.catalogue.ISSUES`, codes from the one registry,
:data:`costofcare.ingest.issues.ISSUE_CODES`): missing required columns, text in a number
or date column, values outside the allowed set or bounds, blank or duplicate keys, and old
spellings (read as today's, with a warning). Rows with an error leave the clean table and
each has at least one issue row, so every input row is either kept or reported.
:func:`read_table` does the same for a CSV, Parquet or workbook file, with line numbers as
a spreadsheet shows them (the header is line 1). :func:`check` is for estimators that must
refuse bad input: it raises one error listing every problem.

All checks are vectorised: a 100,000-row unit cost table is checked in a fraction of a
second.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import UserError
from .catalogue import SERVICE_UNITS, get_table
from .spec import Column, Table

#: Problems listed in the message of :func:`check` before "... and N more".
MESSAGE_LIMIT = 10
_ISSUE_NAMES = ("severity", "code", "file", "sheet", "cell", "field", "message", "raw_value",
                "return_id", "provider")  # fmt: skip


class TableError(UserError):
    """A table that cannot be used; the message lists every problem found."""


def _blank(series: pd.Series) -> pd.Series:
    if series.dtype == object or pd.api.types.is_string_dtype(series):
        return _text(series) == ""
    return series.isna()


def _text(series: pd.Series) -> pd.Series:
    if series.dtype != object and pd.api.types.is_string_dtype(series):
        return series.fillna("").str.strip()
    text = series.astype(object).where(series.notna(), "").astype(str)
    return text.str.strip()


class _Report:
    """Issue rows collected for one table, with the line number of each input row."""

    def __init__(self, spec: Table, file: str, lines: np.ndarray, frame: pd.DataFrame) -> None:
        self.where = f"{file}" if file else f"the {spec.name} table"
        self.file = file
        self.lines = lines
        self.provider = _text(frame["provider"]) if "provider" in frame else None
        self.return_id = _text(frame["return_id"]) if "return_id" in frame else None
        self.label = {c: frame[c] for c in spec.row_label if c in frame}
        self.parts: list[pd.DataFrame] = []
        self.bad = np.zeros(len(frame), dtype=bool)

    def table_issue(self, code: str, field: str, message: str, raw: str = "") -> None:
        row = dict.fromkeys(_ISSUE_NAMES, "")
        row.update(code=code, file=self.file, field=field, message=message, raw_value=raw)
        self.parts.append(pd.DataFrame([row]))

    def rows(
        self, mask, code: str, field: str, what, raw, name_provider: bool = True, flag=True
    ) -> None:
        """One issue per row in ``mask``; ``what`` says what is wrong with each. ``flag``:
        the rows leave the clean table (False for a warning on a row still used)."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        if flag:
            self.bad |= mask
        lines = pd.Series(self.lines[mask]).astype(str).to_numpy()
        who = ""
        provider = "" if self.provider is None else self.provider.to_numpy()[mask]
        if self.label and name_provider:
            who = self._label(mask)
        if callable(what):
            what = what(mask)
        elif isinstance(what, str):
            what = np.full(len(lines), what, dtype=object)
        else:
            what = np.asarray(what, dtype=object)[mask]
        raw = "" if raw is None else _text(pd.Series(np.asarray(raw, dtype=object)[mask]))
        message = self.where + " line " + lines.astype(object) + ": " + what.astype(object)
        part = pd.DataFrame(
            {
                "code": code,
                "file": self.file,
                "sheet": "",
                "cell": lines,
                "field": field,
                "message": message + who,
                "raw_value": raw if isinstance(raw, str) else raw.to_numpy(),
                "return_id": "" if self.return_id is None else self.return_id.to_numpy()[mask],
                "provider": provider,
            }
        )
        self.parts.append(part)

    def _label(self, mask: np.ndarray) -> np.ndarray:
        """`` (provider 'A')`` for the rows a mask picks (blank where the row has none)."""
        named = []
        for column, values in self.label.items():
            text = _text(values[mask]).to_numpy(dtype=object)
            named.append(np.where(text != "", f"{column} '" + text + "'", ""))
        label = [", ".join(n for n in row if n) for row in zip(*named, strict=True)]
        return np.array([f" ({text})" if text else "" for text in label], dtype=object)

    def frame(self) -> pd.DataFrame:
        from ..ingest.issues import ISSUE_CODES

        if not self.parts:
            return pd.DataFrame({c: pd.Series(dtype=str) for c in _ISSUE_NAMES})
        issues = pd.concat(self.parts, ignore_index=True)
        issues["severity"] = issues["code"].map(lambda c: ISSUE_CODES[c][0])
        return issues.loc[:, list(_ISSUE_NAMES)].astype(str)


def _rename(frame: pd.DataFrame, spec: Table, report: _Report) -> pd.DataFrame:
    for old, new in spec.renamed.items():
        if old not in frame.columns:
            continue
        if new in frame.columns:
            frame = frame.drop(columns=old)
            message = (
                f"{report.where}: columns '{old}' and '{new}' both given; '{old}' (the old "
                f"spelling) was ignored"
            )
        else:
            frame = frame.rename(columns={old: new})
            message = (
                f"{report.where}: column '{old}' is an old spelling; it was read as '{new}'. "
                f"Rename the column to '{new}'"
            )
        report.table_issue("old_spelling", old, message, old)
    return frame


def _missing(frame: pd.DataFrame, spec: Table, require, report: _Report) -> list[str]:
    needed = [*spec.required, *(c for c in require if c not in spec.required)]
    missing = [c for c in needed if c not in frame.columns]
    found = ", ".join(map(str, frame.columns)) or "none"
    for column in missing:
        report.table_issue(
            "missing_column",
            column,
            f"{report.where} has no column '{column}'; a {spec.name} table needs "
            f"{', '.join(needed)} (found {found}); none of its rows could be used",
        )
    return missing


def _quoted(column: Column, values: pd.Series, words: str):
    """Messages ``column 'value' words`` for the rows a mask picks, built only for those."""

    def what(mask: np.ndarray) -> np.ndarray:
        picked = _text(values[mask]).astype(object)
        return (f"{column.name} '" + picked + f"' {words}").to_numpy()

    return what


#: How a number column's text is read by :func:`costofcare.ingest.coerce.coerce`: money for
#: columns in pounds (``£24.50``, ``45p``), percent for fractions (``10%`` -> 0.1).
def _coerce_kind(column: Column) -> str:
    if column.kind == "integer":
        return "integer"
    if column.unit == "fraction":
        return "percent"
    return "money" if column.unit.startswith("GBP") else "number"


def _parse_numbers(text: pd.Series, column: Column) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Numbers typed as text, read as ingest reads a cell (one parser for the project).

    Plain numbers are read in one vectorised step; only the rest (``1,700``, ``£24.50``,
    ``10%``, ``nil``) go through :func:`~costofcare.ingest.coerce.coerce`, cell by cell.

    Returns
    -------
    values : the numbers (NaN where blank or unreadable).
    unreadable : why a cell could not be read ("" where it could).
    assumed : what was assumed to read a cell ("" where nothing was).
    """
    from ..ingest.coerce import coerce

    plain = pd.to_numeric(text.where(text != "", None), errors="coerce")
    if column.unit == "fraction":  # a bare 15 in a fraction column needs coerce's rule
        plain = plain.where(plain.abs() <= 1)
    unreadable = pd.Series("", index=text.index, dtype=object)
    assumed = pd.Series("", index=text.index, dtype=object)
    kind = _coerce_kind(column)
    for i in text.index[plain.isna() & (text != "")]:
        read = coerce(text[i], kind)
        if read.code in ("", "assumed"):
            plain[i] = read.value
            assumed[i] = read.message
        else:
            unreadable[i] = read.message
    return plain.astype(float), unreadable, assumed


def _number(frame: pd.DataFrame, column: Column, report: _Report) -> pd.Series:
    raw = frame[column.name]
    if raw.dtype == object or pd.api.types.is_string_dtype(raw):
        text = _text(raw)
        values, unreadable, assumed = _parse_numbers(text, column)
        report.rows(
            unreadable != "",
            "unreadable_value",
            column.name,
            _quoted(column, text, "is not a number"),
            raw,
        )
        note = (f"{column.name} " + assumed.astype(object)).to_numpy()
        report.rows(assumed != "", "assumed", column.name, note, raw, flag=False)
    else:
        values = pd.to_numeric(raw, errors="coerce")
    values = values.astype(float)
    if column.kind == "integer":
        fraction = values.notna() & (values != np.floor(values))
        report.rows(
            fraction,
            "unreadable_value",
            column.name,
            _quoted(column, values.astype(str), "is not a whole number"),
            raw,
        )
    _bounds(values, column, report, raw)
    return values


def _bounds(values: pd.Series, column: Column, report: _Report, raw: pd.Series) -> None:
    for limit, outside, words in (
        (column.minimum, values < (column.minimum or 0), "below {:g}, the least allowed"),
        (column.maximum, values > (column.maximum or 0), "above {:g}, the most allowed"),
    ):
        if limit is None or not outside.any():
            continue
        what = pd.Series("", index=values.index, dtype=object)
        what[outside] = (
            f"{column.name} " + values[outside].map("{:g}".format) + " is " + words.format(limit)
        )
        report.rows(outside, "out_of_bounds", column.name, what, raw)


def _date(frame: pd.DataFrame, column: Column, report: _Report) -> pd.Series:
    raw = frame[column.name]
    parsed = pd.to_datetime(raw, errors="coerce", format="ISO8601")
    blank = _blank(raw)
    retry = parsed.isna() & ~blank
    if retry.any():
        parsed[retry] = pd.to_datetime(raw[retry], errors="coerce", format="%d/%m/%Y")
    bad = parsed.isna() & ~blank
    what = _quoted(column, raw, "is not a date (write YYYY-MM-DD)")
    report.rows(bad, "unreadable_value", column.name, what, raw)
    return parsed


def _old_values(frame, clean, spec: Table, report: _Report) -> None:
    for name, mapping in spec.old_values.items():
        values = clean[name]
        lowered = values.str.lower()
        old = lowered.isin(mapping.keys()) & ~values.isin(spec.column(name).allowed or ())
        if not old.any():
            continue
        service = clean["service"] if "service" in clean else pd.Series("", index=clean.index)
        mapped = lowered[old].map(mapping)
        by_service = mapped.isna()
        mapped[by_service] = service[old][by_service].map(SERVICE_UNITS)
        known = mapped.notna()
        clean.loc[mapped[known].index, name] = mapped[known]
        for spelling, group in values[old][known].groupby(values[old][known], sort=True):
            first = report.lines[clean.index.get_indexer([group.index[0]])[0]]
            news = sorted(set(mapped[group.index]))
            report.table_issue(
                "old_spelling",
                name,
                f"{report.where}: {name} '{spelling}' is an old spelling ({len(group)} row(s), "
                f"first on line {first}); it was read as {' / '.join(map(repr, news))}. "
                f"Write {' or '.join(map(repr, news))}",
                spelling,
            )
    if "volume_unit" in clean and "service" in clean:
        blank = clean["volume_unit"] == ""
        clean.loc[blank, "volume_unit"] = clean.loc[blank, "service"].map(SERVICE_UNITS).fillna("")


def _values(frame, clean, spec: Table, report: _Report) -> None:
    for column in spec.columns:
        if column.name not in clean or column.kind != "text":
            continue
        values = clean[column.name]
        raw = frame[column.name] if column.name in frame else None
        if column.allowed is not None:
            outside = ~values.isin(column.allowed) & (values != "")
            if outside.any():
                lowered = values[outside].str.lower()
                case = lowered[lowered.isin(column.allowed)]  # capitals only: no warning
                values = clean[column.name] = values.where(~values.index.isin(case.index), case)
                bad = (values != "") & ~values.isin(column.allowed)
                allowed = ", ".join(column.allowed)
                what = _quoted(column, values, f"is not allowed; use one of {allowed}")
                report.rows(bad, "not_allowed", column.name, what, raw)
        if column.not_blank or (column.name in spec.key and column.required):
            code = "blank_key" if column.name in spec.key else "required_missing"
            report.rows(values == "", code, column.name, f"{column.name} is blank", raw)


def _blank_numbers(clean, spec: Table, report: _Report, frame) -> None:
    for column in spec.columns:
        raw = frame.get(column.name)
        typed = column.kind in ("number", "integer", "date")
        if typed and column.not_blank and raw is not None:
            blank = clean[column.name].isna() & _blank(raw)
            report.rows(blank, "required_missing", column.name, f"{column.name} is blank", raw)
        if column.not_before and raw is not None and column.not_before in clean:
            early = clean[column.name] < clean[column.not_before]
            what = f"{column.name} is before {column.not_before}"
            report.rows(early, "out_of_bounds", column.name, what, raw)


def _duplicates(clean, spec: Table, report: _Report) -> None:
    key = [c for c in spec.key if c in clean]
    if not key:
        return
    keyed = clean[key]
    needed = [c for c in key if spec.column(c).required or spec.column(c).not_blank]
    blank = (keyed[needed] == "").any(axis=1).to_numpy()
    dup = keyed.duplicated(keep=False).to_numpy() & ~blank
    if not dup.any():
        return
    lines = pd.Series(report.lines, index=clean.index)[dup].astype(str)
    groups = [keyed[c][dup] for c in key]
    on_lines = lines.groupby(groups, sort=False).transform(", ".join)
    described = pd.Series("", index=on_lines.index, dtype=object)
    for c in key:
        shown = keyed[c][dup].map(lambda v: f"{v:g}" if isinstance(v, float) else str(v))
        described += f"{c} '" + shown.astype(object) + "', "
    what = pd.Series("", index=clean.index, dtype=object)
    what[dup] = (
        described.str[:-2]
        + " is on more than one line ("
        + on_lines.astype(object)
        + f"); give one row per {', '.join(key)}"
    )
    raw = pd.Series("", index=clean.index, dtype=object)
    report.rows(dup, "duplicate_key", ", ".join(key), what, raw, name_provider=False)


def validate(
    table: str | Table,
    frame: pd.DataFrame,
    *,
    file: str | Path | None = None,
    require: tuple[str, ...] = (),
    lines: np.ndarray | None = None,
    line_column: str = "",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check ``frame`` against the declaration of ``table``; never raises on bad data.

    Parameters
    ----------
    table : a table name from :data:`~costofcare.tables.catalogue.TABLES`, or a :class:`Table`.
    frame : the rows to check; old column names and values are read as today's.
    file : the file the rows came from, named in each issue (blank: an in-memory table).
    require : optional columns this caller needs (e.g. ``route`` for the benchmark).
    lines : the line number of each row (default: a CSV written with a header, 2, 3, ...).
    line_column : when given, the clean table carries each row's line number in a column
        of this name (for a later step that reports on the rows it cannot use).

    Returns
    -------
    clean : the rows without errors, declared columns first (optional ones added blank),
        then any other columns, with text stripped, numbers as float and dates as datetimes.
    issues : one row per problem, :data:`~costofcare.tables.catalogue.ISSUES` columns.

    Examples
    --------
    >>> frame = pd.DataFrame({"provider": ["A", "B"], "service": ["home_care"] * 2,
    ...                       "volume": [100, "lots"]})
    >>> clean, issues = validate("volumes", frame, file="volumes.csv")
    >>> clean[["provider", "volume_per_week", "volume_unit"]].to_dict("records")
    [{'provider': 'A', 'volume_per_week': 100.0, 'volume_unit': 'contact_hour'}]
    >>> issues[["cell", "code"]].to_dict("records")
    [{'cell': '', 'code': 'old_spelling'}, {'cell': '3', 'code': 'unreadable_value'}]
    """
    spec = get_table(table) if isinstance(table, str) else table
    file = "" if file is None else str(file)
    frame = frame.reset_index(drop=True)
    lines = np.arange(2, len(frame) + 2) if lines is None else np.asarray(lines)
    report = _Report(spec, file, lines, frame)
    frame = _rename(frame, spec, report)
    if _missing(frame, spec, require, report):
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in spec.names})
        return empty, report.frame()
    clean = pd.DataFrame(index=frame.index)
    for column in spec.columns:
        if column.name not in frame:
            blank_value = "" if column.kind == "text" else np.nan
            clean[column.name] = pd.Series(blank_value, index=frame.index)
            if column.kind in ("number", "integer"):
                clean[column.name] = clean[column.name].astype(float)
            elif column.kind == "date":
                clean[column.name] = pd.to_datetime(clean[column.name])
        elif column.kind == "text":
            clean[column.name] = _text(frame[column.name])
        elif column.kind in ("number", "integer"):
            clean[column.name] = _number(frame, column, report)
        elif column.kind == "date":
            clean[column.name] = _date(frame, column, report)
        else:
            clean[column.name] = frame[column.name]
    _old_values(frame, clean, spec, report)
    _values(frame, clean, spec, report)
    _blank_numbers(clean, spec, report, frame)
    _duplicates(clean, spec, report)
    extra = [c for c in frame.columns if c not in spec.names]
    clean = pd.concat([clean, frame[extra]], axis=1) if extra else clean
    if line_column:
        clean[line_column] = lines
    return clean[~report.bad].reset_index(drop=True), report.frame()


def read_table(
    table: str | Table, path: str | Path, *, require: tuple[str, ...] = (), line_column: str = ""
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a CSV (or Parquet, or a workbook's first sheet) and :func:`validate` it.

    Every cell is read as text first, so nothing is guessed before the checks and a value
    that cannot be read is reported with the line it is on (the header is line 1; blank
    lines are not rows but keep the numbering). A missing or unreadable file is a
    :class:`TableError`.

    Returns
    -------
    clean, issues : as :func:`validate` (``line_column`` as there).
    """
    spec = get_table(table) if isinstance(table, str) else table
    path = Path(path)
    if not path.is_file():
        raise TableError(f"{spec.name.replace('_', ' ')} file {path} does not exist")
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".txt"):
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False)
        elif suffix == ".parquet":
            frame = pd.read_parquet(path)
        elif suffix in (".xlsx", ".xlsm", ".ods"):
            frame = pd.read_excel(path, engine="calamine", dtype=str, keep_default_na=False)
        else:
            raise TableError(f"{path}: read a .csv, .parquet, .xlsx, .xlsm or .ods table")
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise TableError(f"{path}: cannot be read as a {spec.name} table ({exc})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    lines = np.arange(2, len(frame) + 2)
    if len(frame.columns):
        empty = _blank_rows(frame)
        frame, lines = frame[~empty], lines[~empty]
    return validate(
        spec, frame, file=str(path), require=require, lines=lines, line_column=line_column
    )


def _blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows with nothing in any cell: blank lines of a CSV, not rows of the table."""
    empty = np.ones(len(frame), dtype=bool)
    for column in frame.columns:
        empty &= _blank(frame[column]).to_numpy()
    return empty


def raise_errors(issues: pd.DataFrame, error: type[Exception] = TableError, warn=None) -> None:
    """Raise ``error`` listing the error issues; pass each other issue's message to ``warn``
    (default: :func:`warnings.warn`, a ``DeprecationWarning`` for an old spelling). Nothing
    happens when ``issues`` is empty."""
    for row in issues[issues["severity"] != "error"].itertuples(index=False):
        if warn is not None:
            warn(row.message)
            continue
        category = DeprecationWarning if row.code == "old_spelling" else UserWarning
        warnings.warn(row.message, category, stacklevel=3)
    errors = issues.loc[issues["severity"] == "error", "message"].tolist()
    if errors:
        more = len(errors) - MESSAGE_LIMIT
        text = "; ".join(errors[:MESSAGE_LIMIT]) + (f"; ... and {more} more" if more > 0 else "")
        raise error(text)


def check(
    table: str | Table,
    frame: pd.DataFrame,
    *,
    error: type[Exception] = TableError,
    file: str | Path | None = None,
    require: tuple[str, ...] = (),
) -> pd.DataFrame:
    """:func:`validate` for a step that must refuse bad input: the clean rows, or ``error``
    raised with every problem in its message (old spellings are read, with a warning)."""
    spec = get_table(table) if isinstance(table, str) else table
    if not isinstance(frame, pd.DataFrame):
        raise error(f"the {spec.name} table must be a pandas DataFrame, got {type(frame).__name__}")
    clean, issues = validate(spec, frame, file=file, require=require)
    raise_errors(issues, error)
    return clean
