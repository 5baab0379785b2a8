"""The council's own tables: current rates and commissioned volumes, matched to the returns.

Two steps, so that a bad file stops a run before the returns are read:

1. :func:`read_council_files` reads each file by its declaration
   (:data:`costofcare.tables.CURRENT_RATES`, :data:`costofcare.tables.VOLUMES`), with the
   numbers read as ingest reads a cell (``1,700``, ``£24.50``) and a service spelled as the
   template command accepts it (``Home care`` is ``home_care``). A row that cannot be read
   (text for a rate, two rows for one provider and service, ...) is an error naming its file
   and line, and stops the run.
2. :func:`match_council` matches every rate to a return and every volume to a rate, and
   reports each row it cannot match, naming its file and line (:data:`MATCH_CODES`).

How a row is matched to a return of its service (the first that finds one):

- its ``registration_number``, when the council file has the column, against the
  registration number on the return (case and spaces ignored);
- its provider name against the return's, both put through :func:`provider_key`: case,
  spacing and punctuation ignored, ``&`` read as ``and``, a leading ``The`` and trailing
  legal endings (:data:`LEGAL_ENDINGS`: Ltd, Limited, PLC, LLP, CIC) dropped.

A volume is matched to a rate by ``provider_reference`` (when both files have the column),
then ``registration_number`` (when both have it), then by service and :func:`provider_key`.
A matched row takes the return's provider name, so every later step (market volumes, the
recommendation's join of rates to unit costs) joins on one spelling; the name as given is
kept in ``provider_as_given``.

A care home's market (``care_category``: residential, nursing or dual) is the rates file's
``care_category``, else the matched volume's, else its matched return's type of home
(:data:`~costofcare.costs.carecategory.HOME_TYPE_CATEGORY`); a file that disagrees with the
return, or with the other file, is a ``care_category_differs`` warning, and a care home rate
left with no category (when other rates have one) a ``care_category_unknown`` warning (it is
priced in the pooled care home market). Other services have a blank category.

A care home rate is for enhanced needs such as dementia when the rates file's
``enhanced_care`` is ``true``, else (blank) when the matched volume's is; blank in both is
``false``. The files disagreeing is an ``enhanced_care_differs`` warning (the rates file's
stands), and ``true`` on another service an ``enhanced_care_ignored`` warning (it is read as
``false``). A return's own enhanced flag never makes a rate enhanced: the council says what
it buys.

No row is dropped without an issue: a rate with no return is kept (priced with no return
behind it) and reported; a volume with no rate, and rows matching ambiguously, are reported
and not used. :attr:`CouncilTables.rows` accounts for every line of both files.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import ConfigError
from ..ingest.issues import ISSUE_CODES, ISSUE_COLUMNS
from ..tables import VOLUMES, raise_errors, read_table
from ..tables.catalogue import MATCH_COLUMNS

__all__ = [
    "LEGAL_ENDINGS",
    "MATCH_CODES",
    "CouncilFiles",
    "CouncilTables",
    "market_volumes",
    "match_council",
    "return_categories",
    "provider_key",
    "read_council_files",
    "council_line",
    "council_summary",
    "read_council_rates",
    "stop_on_unmatched",
]

#: Words dropped from the end of a provider name before names are compared.
LEGAL_ENDINGS = frozenset({"ltd", "limited", "plc", "llp", "cic"})
#: Issue codes of rows that could not be matched; they stop a run unless
#: ``run.on_unmatched = "continue"``.
MATCH_CODES = (
    "rate_without_return",
    "return_without_rate",
    "volume_without_rate",
    "rate_without_volume",
    "ambiguous_match",
)
#: Most unmatched rows listed in the message that stops a run.
MESSAGE_LIMIT = 10
_LINE = "line"


def provider_key(name: str) -> str:
    """A provider name as names are compared: the matching rule in one place.

    >>> provider_key("Castle Homecare (Anytown) Ltd")
    'castle homecare anytown'
    >>> provider_key("castle homecare  ANYTOWN Limited")
    'castle homecare anytown'
    >>> provider_key("St Mary's Care & Support Ltd.")
    'st marys care and support'
    """
    text = unicodedata.normalize("NFKC", str(name)).casefold()
    text = re.sub(r"['\u2019`]", "", text.replace("&", " and "))
    words = re.sub(r"[^\w\s]|_", " ", text).split()
    while words and words[-1] in LEGAL_ENDINGS:
        words.pop()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def _reg_key(value: object) -> str:
    return "".join(str(value).split()).casefold()


@dataclass
class CouncilFiles:
    """The council's files as read: usable rows, each with its ``line``, and warnings."""

    rates: pd.DataFrame
    volumes: pd.DataFrame | None
    rates_file: str
    volumes_file: str
    issues: pd.DataFrame
    lines_in: dict[str, list[int]]


@dataclass
class CouncilTables:
    """The council's rates matched to the returns.

    Attributes
    ----------
    rates : :data:`~costofcare.tables.CURRENT_RATES` columns (``provider`` the return's name
        where matched) with ``volume_per_week`` and ``volume_unit`` from the volumes file,
        ``provider_as_given``, ``matched_by`` (``registration_number``, ``name`` or blank:
        no return), ``line`` (in the rates file) and ``volumes_line``.
    issues : every issue in either file, reading and matching.
    rows : one row per line of each file: ``file, line, used, reported``.
    """

    rates: pd.DataFrame
    issues: pd.DataFrame
    rows: pd.DataFrame

    @property
    def unmatched(self) -> pd.DataFrame:
        """The issues of rows that could not be matched (:data:`MATCH_CODES`)."""
        return self.issues[self.issues["code"].isin(MATCH_CODES)]


def _all_lines(path: Path) -> list[int]:
    """Line numbers of every non-blank row of a council file (as :func:`read_table` counts)."""
    text = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False)
    blank = (text.apply(lambda c: c.str.strip()) == "").all(axis=1).to_numpy()
    return [line for line, empty in zip(range(2, len(text) + 2), blank, strict=True) if not empty]


def read_council_files(current_rates: Path, volumes: Path | None = None) -> CouncilFiles:
    """Read the current rates file and, when given, the volumes file beside it.

    Raises
    ------
    ConfigError
        Listing every error in either file, each naming its file and line (a missing
        column, a rate that is not a number, a negative volume, two rows for one provider
        and service, ...), or no ``volume_per_week`` in either file.
    """
    rates, rate_issues = read_table("current_rates", current_rates, line_column=_LINE)
    found, table = [rate_issues], None
    if volumes is not None:
        table, volume_issues = read_table(
            "volumes", volumes, require=("volume_per_week",), line_column=_LINE
        )
        found.append(volume_issues)
    issues = pd.concat(found, ignore_index=True)
    raise_errors(issues, ConfigError, warn=lambda message: None)
    for path, rows in ((current_rates, rates), (volumes, table)):
        if path is not None and not len(rows):
            raise ConfigError(
                f"{path}: no rows below the header; the run needs the council's rates and volumes"
            )
    if volumes is None and rates["volume_per_week"].isna().all():
        raise ConfigError(f"{current_rates}: no volume_per_week column and no run.volumes file")
    lines = {str(current_rates): _lines_of(current_rates, rates)}
    if volumes is not None:
        lines[str(volumes)] = _lines_of(volumes, table)
    return CouncilFiles(
        rates, table, str(current_rates), "" if volumes is None else str(volumes), issues, lines
    )


def _lines_of(path: Path, clean: pd.DataFrame) -> list[int]:
    if Path(path).suffix.lower() in (".csv", ".txt"):
        return _all_lines(Path(path))
    return [int(x) for x in clean[_LINE]]  # errors stop the run, so every row is clean


class _Issues:
    """Issue rows for the matching step, in the issue table's shape."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, code: str, file: str, line, field: str, message: str, raw: str, provider=""):
        where = f"{file} line {line}: " if line != "" else f"{file}: "
        self.rows.append(
            {
                "severity": ISSUE_CODES[code][0],
                "code": code,
                "file": file,
                "sheet": "",
                "cell": str(line),
                "field": field,
                "message": where + message,
                "raw_value": raw,
                "return_id": "",
                "provider": provider,
            }
        )

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=list(ISSUE_COLUMNS)).astype(str)


def _return_index(returns: pd.DataFrame) -> tuple[dict, dict, pd.DataFrame]:
    """(by registration number, by name key) -> return provider names; and the returns read."""
    read = returns[(returns["status"] != "rejected") & (returns["provider"].fillna("") != "")]
    by_reg: dict[tuple[str, str], set[str]] = {}
    by_name: dict[tuple[str, str], set[str]] = {}
    for row in read.itertuples(index=False):
        reg = _reg_key(row.registration_number or "")
        if reg:
            by_reg.setdefault((row.service, reg), set()).add(row.provider)
        by_name.setdefault((row.service, provider_key(row.provider)), set()).add(row.provider)
    return by_reg, by_name, read


def _candidates(row, by_reg: dict, by_name: dict) -> tuple[set[str], str]:
    reg = _reg_key(getattr(row, "registration_number", "") or "")
    if reg and (row.service, reg) in by_reg:
        return by_reg[(row.service, reg)], "registration_number"
    found = by_name.get((row.service, provider_key(row.provider)), set())
    return found, "name" if found else ""


def _match_rates(files: CouncilFiles, returns: pd.DataFrame, out: _Issues) -> pd.DataFrame:
    """The rates with the return's name, ``matched_by`` and ``used``; issues added to ``out``."""
    by_reg, by_name, read = _return_index(returns)
    rejected = int((returns["status"] == "rejected").sum())
    unread = f" ({rejected} return(s) could not be read; one may be its return)" if rejected else ""
    rates = files.rates.copy()
    rates["provider_as_given"] = rates["provider"]
    matched, how, used = [], [], []
    for row in rates.itertuples(index=False):
        names, by = _candidates(row, by_reg, by_name)
        label = f"provider '{row.provider}', service {row.service}"
        if len(names) > 1:
            listed = " and ".join(repr(n) for n in sorted(names))
            out.add(
                "ambiguous_match", files.rates_file, row.line, "provider",
                f"{label} matches the returns of {listed}; it was not used",
                row.provider, row.provider,
            )  # fmt: skip
            matched.append(row.provider), how.append(""), used.append(False)
            continue
        if not names:
            out.add(
                "rate_without_return", files.rates_file, row.line, "provider",
                f"{label} matches no return read (by registration number or name){unread}; "
                "it is priced with no return behind it",
                row.provider, row.provider,
            )  # fmt: skip
            matched.append(row.provider), how.append(""), used.append(True)
            continue
        (name,) = names
        if name != row.provider:
            out.add(
                "name_differs", files.rates_file, row.line, "provider",
                f"{label} matched the return of '{name}' by {by.replace('_', ' ')}; it is "
                f"shown as '{name}'",
                row.provider, name,
            )  # fmt: skip
        matched.append(name), how.append(by), used.append(True)
    rates["provider"], rates["matched_by"], rates["used"] = matched, how, used
    _shared(rates, files.rates_file, "return", out)
    _returns_without_rate(read, rates, files.rates_file, out)
    return rates


def _shared(table: pd.DataFrame, file: str, what: str, out: _Issues, key=None) -> None:
    """Rows of ``table`` (``used``) that share one ``key`` are ambiguous: none is used."""
    key = key or ["provider", "service"]
    live = table[table["used"]]
    shared = live[live.duplicated(key, keep=False)]
    for row in shared.itertuples():
        others = shared[(shared[key] == table.loc[row.Index, key]).all(axis=1)]
        lines = ", ".join(str(x) for x in others[_LINE] if x != row.line)
        out.add(
            "ambiguous_match", file, row.line, "provider",
            f"provider '{row.provider_as_given}', service {row.service} matches the same "
            f"{what} as line {lines}; neither was used",
            row.provider_as_given, row.provider,
        )  # fmt: skip
    table.loc[shared.index, "used"] = False


def _returns_without_rate(read: pd.DataFrame, rates: pd.DataFrame, file: str, out: _Issues):
    live = rates[rates["used"]]
    priced = set(zip(live["provider"], live["service"], strict=True))
    for row in read.itertuples(index=False):
        if (row.provider, row.service) not in priced:
            out.add(
                "return_without_rate", row.file, "", "provider",
                f"the return of '{row.provider}' ({row.service}) matches no current rate in "
                f"{file}, so it gets no proposed rate",
                row.provider, row.provider,
            )  # fmt: skip


def _volume_keys(volumes: pd.DataFrame, rates: pd.DataFrame) -> list[tuple[str, str]]:
    """(column, how) pairs a volume is matched to a rate by, in order."""
    keys = []
    for column in ("provider_reference", "registration_number"):
        if (volumes[column] != "").any() and (rates[column] != "").any():
            keys.append(column)
    return keys


def _match_volumes(files: CouncilFiles, rates: pd.DataFrame, out: _Issues) -> pd.DataFrame:
    """The rates with ``volume_per_week``, ``volume_unit`` and ``volumes_line`` from the file."""
    volumes = files.volumes.copy()
    live = rates[rates["used"]]
    index: dict[tuple, set[int]] = {}
    for i, row in live.iterrows():
        for key in (row["provider"], row["provider_as_given"]):
            index.setdefault(("name", row["service"], provider_key(key)), set()).add(i)
        for column in ("provider_reference", "registration_number"):
            if row[column] != "":
                index.setdefault((column, row["service"], _reg_key(row[column])), set()).add(i)
    keys = _volume_keys(volumes, rates)
    found = []
    for row in volumes.itertuples(index=False):
        hits: set[int] = set()
        for column in keys:
            value = _reg_key(getattr(row, column))
            if value and not hits:
                hits = index.get((column, row.service, value), set())
        hits = hits or index.get(("name", row.service, provider_key(row.provider)), set())
        found.append(min(hits) if len(hits) == 1 else -1)
        label = f"provider '{row.provider}', service {row.service}"
        if len(hits) > 1:
            out.add(
                "ambiguous_match", files.volumes_file, row.line, "provider",
                f"{label} matches the rates on lines "
                f"{', '.join(str(rates.loc[h, _LINE]) for h in sorted(hits))}; it was not used",
                row.provider, row.provider,
            )  # fmt: skip
        elif not hits:
            out.add(
                "volume_without_rate", files.volumes_file, row.line, "provider",
                f"{label} matches no current rate in {files.rates_file}; it was not used",
                row.provider, row.provider,
            )  # fmt: skip
    volumes["rate_row"], volumes["used"] = found, [f >= 0 for f in found]
    volumes["provider_as_given"] = volumes["provider"]
    _shared(volumes, files.volumes_file, "rate", out, key=["rate_row"])
    taken = volumes[volumes["used"]].set_index("rate_row")
    rates = rates.drop(columns=["volume_per_week", "volume_unit"])
    rates["volume_per_week"] = taken["volume_per_week"].reindex(rates.index)
    rates["volume_unit"] = taken["volume_unit"].reindex(rates.index)
    rates["volumes_line"] = taken[_LINE].reindex(rates.index)
    _volume_categories(rates, taken, files, out)
    _volume_enhanced(rates, taken, files, out)
    files.volumes = volumes
    return rates


def _volume_categories(rates: pd.DataFrame, taken: pd.DataFrame, files, out: _Issues) -> None:
    """A rate without a care category takes its volume's; a volume that says another is
    reported (the rates file's stands)."""
    _from_volume(
        rates, taken, files, out, "care_category", "care category", "care_category_differs"
    )


def _volume_enhanced(rates: pd.DataFrame, taken: pd.DataFrame, files, out: _Issues) -> None:
    """A rate with a blank ``enhanced_care`` takes its volume's; a volume that says otherwise
    is reported (the rates file's stands)."""
    _from_volume(
        rates, taken, files, out, "enhanced_care", "enhanced_care", "enhanced_care_differs"
    )


def _from_volume(rates, taken, files, out: _Issues, column: str, label: str, code: str) -> None:
    """A rate's blank ``column`` takes its matched volume's; a volume that gives another
    value is a ``code`` issue on the volume's line, and the rates file's value stands."""
    if column not in taken:
        return
    theirs = taken[column].reindex(rates.index).fillna("").astype(str)
    mine = rates[column]
    for i in rates.index[(mine != "") & (theirs != "") & (mine != theirs)]:
        row = rates.loc[i]
        out.add(
            code, files.volumes_file, int(row["volumes_line"]), column,
            f"provider '{row['provider_as_given']}', service {row['service']}: {label} "
            f"{theirs[i]} here but {mine[i]} on line {row[_LINE]} of {files.rates_file}; "
            f"it is priced as {mine[i]}",
            theirs[i], row["provider"],
        )  # fmt: skip
    rates[column] = mine.where(mine != "", theirs)


def _enhanced_outside_care_homes(rates: pd.DataFrame, file: str, out: _Issues) -> None:
    """``enhanced_care`` is read as ``true`` or ``false`` (blank: false); a rate of another
    service said to be enhanced is reported and priced in its service's market."""
    rates["enhanced_care"] = rates["enhanced_care"].where(rates["enhanced_care"] != "", "false")
    odd = rates["used"] & (rates["service"] != "care_home") & (rates["enhanced_care"] == "true")
    for i in rates.index[odd]:
        row = rates.loc[i]
        out.add(
            "enhanced_care_ignored", file, row[_LINE], "enhanced_care",
            f"provider '{row['provider_as_given']}', service {row['service']}: enhanced_care "
            "is true but only care homes are priced as enhanced; it is priced in the "
            f"{row['service']} market",
            "true", row["provider"],
        )  # fmt: skip
    rates.loc[odd, "enhanced_care"] = "false"


def return_categories(values: pd.DataFrame | None) -> dict[str, str]:
    """Provider -> the care category of its care home return, from the return's type of home
    (:data:`~costofcare.costs.carecategory.HOME_TYPE_CATEGORY`; the first return that gives a
    known type)."""
    from ..costs.carecategory import HOME_TYPE_CATEGORY

    if values is None or not len(values):
        return {}
    typed = values[
        (values["service"] == "care_home")
        & (values["field"] == "home_type")
        & (values["table"].fillna("") == "")
    ]
    found = typed["text"].fillna("").astype(str).str.strip().map(HOME_TYPE_CATEGORY)
    known = typed.assign(category=found).dropna(subset=["category"])
    return known.drop_duplicates("provider").set_index("provider")["category"].to_dict()


def _return_categories_to_rates(
    rates: pd.DataFrame, categories: dict[str, str], file: str, out: _Issues
) -> None:
    """Fill each care home rate's category from its matched return (see the module
    docstring); report a file that disagrees and a care home left with none."""
    homes = rates["used"] & (rates["service"] == "care_home")
    matched = rates["matched_by"] != ""
    theirs = rates["provider"].map(lambda p: categories.get(p, "")).where(matched & homes, "")
    mine = rates["care_category"].where(homes, "")
    for i in rates.index[(mine != "") & (theirs != "") & (mine != theirs)]:
        row = rates.loc[i]
        out.add(
            "care_category_differs", file, row[_LINE], "care_category",
            f"provider '{row['provider_as_given']}', service care_home: care category "
            f"{mine[i]} here but its return says {theirs[i]}; it is priced as {mine[i]}",
            mine[i], row["provider"],
        )  # fmt: skip
    rates["care_category"] = mine.where(mine != "", theirs)
    blank = homes & (rates["care_category"] == "")
    if blank.all() or not blank.any():
        return  # no care home has a category, or every one has: nothing to say
    for i in rates.index[blank]:
        row = rates.loc[i]
        out.add(
            "care_category_unknown", file, row[_LINE], "care_category",
            f"provider '{row['provider_as_given']}', service care_home has no care category "
            "(none in the council's files, no matched return giving one); it is priced "
            "against the pooled care home market",
            "", row["provider"],
        )  # fmt: skip


def match_council(
    files: CouncilFiles, returns: pd.DataFrame, values: pd.DataFrame | None = None
) -> CouncilTables:
    """Match the council's rates to the returns and its volumes to the rates.

    Parameters
    ----------
    files : the council's files as :func:`read_council_files` read them.
    returns : :data:`~costofcare.tables.RETURNS` (``ingest.returns``): the returns read.
    values : the returns' values (``ingest.values``): a care home rate with no
        ``care_category`` takes its matched return's (:func:`return_categories`).

    Returns
    -------
    CouncilTables
        Every row used or reported: a rate with no return is kept and reported; a return
        with no rate, a volume with no rate, a rate with no volume and every ambiguous row
        are reported (ambiguous rows and volumes with no rate are not used).
    """
    out = _Issues()
    rates = _match_rates(files, returns, out)
    if "care_category" not in rates:
        rates["care_category"] = ""
    rates["care_category"] = rates["care_category"].fillna("").astype(str)
    if "enhanced_care" not in rates:
        rates["enhanced_care"] = ""
    rates["enhanced_care"] = rates["enhanced_care"].fillna("").astype(str)
    if files.volumes is not None:
        rates = _match_volumes(files, rates, out)
    else:
        rates["volumes_line"] = rates[_LINE]
    _return_categories_to_rates(rates, return_categories(values), files.rates_file, out)
    _enhanced_outside_care_homes(rates, files.rates_file, out)
    used = rates[rates["used"]]
    for row in used[used["volume_per_week"].isna()].itertuples(index=False):
        out.add(
            "rate_without_volume", files.rates_file, row.line, "volume_per_week",
            f"provider '{row.provider_as_given}', service {row.service} has no volume"
            + (f" in {files.volumes_file}" if files.volumes_file else "")
            + "; it adds nothing to the spend",
            row.provider_as_given, row.provider,
        )  # fmt: skip
    issues = pd.concat([files.issues, out.frame()], ignore_index=True)
    rows = _accounting(files, rates, issues)
    rates = used.drop(columns=["used"]).reset_index(drop=True)
    return CouncilTables(rates=rates, issues=issues, rows=rows)


def _accounting(files: CouncilFiles, rates: pd.DataFrame, issues: pd.DataFrame) -> pd.DataFrame:
    """One row per line of each file: used (in the rates passed on) and reported (an issue)."""
    used = {
        files.rates_file: set(rates.loc[rates["used"], _LINE].astype(int)),
    }
    if files.volumes is not None:
        used[files.volumes_file] = set(files.volumes.loc[files.volumes["used"], _LINE].astype(int))
    reported = issues[issues["cell"] != ""].groupby("file")["cell"].agg(set).to_dict()
    frames = []
    for file, lines in files.lines_in.items():
        said = {int(x) for x in reported.get(file, set())}
        frames.append(
            pd.DataFrame(
                {
                    "file": file,
                    "line": lines,
                    "used": [x in used.get(file, set()) for x in lines],
                    "reported": [x in said for x in lines],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def council_summary(tables: CouncilTables) -> dict:
    """The council files in the JSON summary: rows in, used and reported per file, and every
    matching issue (file, line, code, message)."""
    rows = tables.rows
    files = {
        file: {
            "rows_in": int(len(group)),
            "rows_used": int(group["used"].sum()),
            "rows_reported": int(group["reported"].sum()),
            "rows_reported_not_used": int((group["reported"] & ~group["used"]).sum()),
        }
        for file, group in rows.groupby("file", sort=False)
    }
    wanted = tables.issues[tables.issues["code"].isin((*MATCH_CODES, "name_differs"))]
    return {
        "files": files,
        "unmatched": {str(k): int(v) for k, v in tables.unmatched["code"].value_counts().items()},
        "issues": wanted[["file", "cell", "code", "message"]]
        .rename(columns={"cell": "line"})
        .to_dict("records"),
    }


def council_line(tables: CouncilTables) -> str:
    """A short line for the command line: rates matched, rows not matched, names differing."""
    rates = tables.rates
    matched = int((rates["matched_by"] != "").sum())
    unmatched = len(tables.unmatched)
    renamed = int((tables.issues["code"] == "name_differs").sum())
    read = tables.issues[~tables.issues["code"].isin((*MATCH_CODES, "name_differs"))]
    text = f"      council files: {matched} of {len(rates)} rates matched to a return"
    text += f"; {unmatched} row(s) not matched" if unmatched else "; every row matched"
    if renamed:
        text += f"; {renamed} provider name(s) spelled differently from the return"
    if len(read):
        text += f"; {len(read)} warning(s) reading them (old spellings, assumed numbers)"
    return text + (" (see the issues)" if unmatched or renamed or len(read) else "")


def stop_on_unmatched(tables: CouncilTables, on_unmatched: str) -> None:
    """Raise a :class:`ConfigError` listing the unmatched rows, unless ``"continue"``."""
    unmatched = tables.unmatched
    if on_unmatched == "continue" or unmatched.empty:
        return
    messages = unmatched["message"].tolist()
    more = len(messages) - MESSAGE_LIMIT
    raise ConfigError(
        f"{len(messages)} row(s) of the council's files or returns could not be matched: "
        + "; ".join(messages[:MESSAGE_LIMIT])
        + (f"; ... and {more} more" if more > 0 else "")
        + '. Correct the files, or set run.on_unmatched = "continue" to carry on with '
        "them listed as issues"
    )


def read_council_rates(
    current_rates: Path,
    volumes: Path | None,
    returns: pd.DataFrame,
    *,
    on_unmatched: str = "stop",
    values: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the council's files and match them to ``returns`` (``ingest.returns``); a care
    home rate with no ``care_category`` takes its return's, from ``values``.

    Returns
    -------
    rates : the matched current rates with ``volume_per_week`` and ``volume_unit``.
    issues : every issue in either file, reading and matching.

    Raises
    ------
    ConfigError
        An error in either file (:func:`read_council_files`), or rows that cannot be matched
        unless ``on_unmatched="continue"`` (:func:`stop_on_unmatched`).
    """
    files = read_council_files(Path(current_rates), None if volumes is None else Path(volumes))
    tables = match_council(files, returns, values)
    stop_on_unmatched(tables, on_unmatched)
    return tables.rates, tables.issues


def market_volumes(rates: pd.DataFrame, unit_costs: pd.DataFrame) -> pd.DataFrame:
    """:data:`costofcare.tables.VOLUMES` for the provider services with unit costs in the
    market (``volume_unit`` as the checks filled it: the file's, else the service's unit)."""
    in_market = unit_costs[["provider", "service"]].drop_duplicates()
    columns = [c for c in VOLUMES.names if c not in MATCH_COLUMNS]
    return rates[columns].merge(in_market, on=["provider", "service"])
