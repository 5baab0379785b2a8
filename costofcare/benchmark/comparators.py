"""Comparator authorities: what other councils pay, rolled to a common period and ranked.

A comparator table has one row per published figure: ``authority, region, service, rate,
unit, period`` and a source (``source``, ``source_title`` or ``source_url``). Optional
columns kept when present: ``nation, effective_from, basis, basis_kind, fnc, flags, note``.

The package ships a real example, :func:`shipped_comparators`: 40 figures published by 20
councils in England, Wales and Scotland (2022-23 to 2026-27), each with its source. Read the
``basis`` of each: many are client charges or council maximum contributions, not fees paid
to providers; ``basis_kind`` sorts them (our reading of ``basis``) so they can be filtered.

Periods and index roll-forward
------------------------------
A rate for a financial year such as ``"2024-25"`` is taken to be the rate in force in the
**April** at the start of that year (the month fee uplifts usually take effect), so rolling
it to ``"2025-26"`` with CPI multiplies it by CPI(April 2025) / CPI(April 2024). A month
(``"2025-09"``) or a date (``"2025-09-01"``) stands for that month. With
``anchor="average"`` a financial year stands for the average index over its twelve months
instead. Periods that cannot be read (for example ``"undated"``) are kept but not rolled or
ranked, and ``roll_status`` says why.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from importlib import resources
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import UserError
from ..tables import COMPARATORS, check
from .quantiles import percentile_inc, percentrank_inc

#: At least one of these says where a rate was published (the table is
#: :data:`costofcare.tables.COMPARATORS`).
SOURCE_COLUMNS = tuple(c for c in COMPARATORS.names if c.startswith("source"))
#: ``basis_kind`` values in the shipped data, from our reading of each row's ``basis``.
BASIS_KINDS = {
    "provider_fee": "a fee paid to providers (framework, standard, banded or expected rate)",
    "council_maximum": "the most the council will pay or contribute (a cap)",
    "full_cost_for_charging": "the full weekly cost the council uses to assess charges",
    "client_charge": "what people using the service are charged, not a provider fee",
    "uplift": "a stated uplift (per cent), not a rate",
}
ANCHORS = ("month", "average")

_FINANCIAL_YEAR = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class ComparatorError(UserError):
    """A comparator table, period or index that cannot be used."""


def shipped_comparators() -> pd.DataFrame:
    """The shipped example: published council rates, each with its source.

    Returns
    -------
    pandas.DataFrame
        ``authority, nation, region, service, rate, unit, period, effective_from, basis,
        source_title, source_url, note, basis_kind, fnc, flags``. ``fnc`` says whether a
        nursing rate includes NHS-funded nursing care; ``flags`` carries the caveats in the
        note (``uncertain_period``, ``authority_inferred``, ``proposal_not_final``, ...).
    """
    text = resources.files(__package__).joinpath("data/council_rates.csv").read_text("utf-8")
    table = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)
    return validate_comparators(table, "shipped comparator data")


def read_comparators(path: str | Path, sheet: str | None = None) -> pd.DataFrame:
    """Read a comparator table from a CSV file or a workbook (``.xlsx``, ``.xlsm``, ``.ods``).

    Workbook cells are read as stored values; nothing in the file is evaluated. ``sheet``
    names the sheet to read (default: the first).
    """
    path = Path(path)
    if not path.exists():
        raise ComparatorError(f"comparator file {path} does not exist")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    elif suffix in (".xlsx", ".xlsm", ".ods", ".xls"):
        try:
            table = pd.read_excel(
                path, sheet_name=sheet or 0, dtype=str, engine="calamine", keep_default_na=False
            )
        except ValueError as exc:
            raise ComparatorError(f"cannot read sheet {sheet!r} of {path}: {exc}") from None
    else:
        raise ComparatorError(
            f"comparator file {path} is not a CSV or a workbook (.csv, .xlsx, .xlsm, .ods)"
        )
    table.columns = [str(c).strip().lower().replace(" ", "_") for c in table.columns]
    return validate_comparators(table, str(path))


def validate_comparators(table: pd.DataFrame, source: str = "comparator table") -> pd.DataFrame:
    """Check a comparator table and return a clean copy with ``rate`` as a number.

    Raises
    ------
    ComparatorError
        Naming every problem the table check finds: a missing column, a rate that is not a
        number or a blank authority, each with its line (the header is line 1).
    """
    if isinstance(table, pd.DataFrame) and not any(c in table.columns for c in SOURCE_COLUMNS):
        raise ComparatorError(
            f"{source} has no source column: add {' or '.join(SOURCE_COLUMNS)} so every "
            f"comparator rate can be traced to where it was published"
        )
    clean = check("comparators", table, error=ComparatorError, file=source)
    clean = clean.loc[:, list(table.columns)]
    for column in clean.columns:
        if column != "rate":
            clean[column] = clean[column].astype(object).where(clean[column].notna(), "")
            clean[column] = clean[column].astype(str).str.strip()
    for column in ("basis_kind", "flags", "basis", "fnc", "nation", "note"):
        if column not in clean:
            clean[column] = ""
    return clean.reset_index(drop=True)


def period_months(period: str, anchor: str = "month", anchor_month: int = 4) -> list[pd.Period]:
    """The month(s) whose index stands for a period.

    Parameters
    ----------
    period
        ``"2024-25"`` / ``"2024/25"`` / ``"2024-2025"`` (a financial year), ``"2024-09"``
        (a month) or ``"2024-09-01"`` (a date: its month).
    anchor
        For a financial year: ``"month"`` gives the single month ``anchor_month`` of the
        year's start (April by default); ``"average"`` gives all twelve months April to
        March, to be averaged.

    Raises
    ------
    ComparatorError
        When the period is not one of these forms.
    """
    if anchor not in ANCHORS:
        raise ComparatorError(f"unknown anchor {anchor!r}; use 'month' or 'average'")
    text = str(period).strip()
    if match := _FINANCIAL_YEAR.match(text):
        start, end = int(match.group(1)), int(match.group(2))
        if end in ((start + 1) % 100, start + 1):
            first = pd.Period(year=start, month=4, freq="M")
            if anchor == "average":
                return [first + k for k in range(12)]
            month_offset = (anchor_month - 4) % 12
            return [first + month_offset]
    if match := _MONTH.match(text):
        month = int(match.group(2))
        if 1 <= month <= 12:
            return [pd.Period(year=int(match.group(1)), month=month, freq="M")]
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ComparatorError(
            f"period {period!r} is not understood: use a financial year (2024-25), a month "
            f"(2024-09) or a date (2024-09-01)"
        ) from None
    return [pd.Period(year=day.year, month=day.month, freq="M")]


def _index_level(index_levels: pd.Series, months: list[pd.Period]) -> float:
    missing = [m for m in months if m not in index_levels.index or pd.isna(index_levels[m])]
    if missing:
        first, last = index_levels.dropna().index.min(), index_levels.dropna().index.max()
        raise ComparatorError(
            f"no index level for {', '.join(str(m) for m in missing[:3])}"
            f"{' ...' if len(missing) > 3 else ''} (the index runs from {first} to {last})"
        )
    return float(np.mean([index_levels[m] for m in months]))


def _monthly(index_levels: pd.Series) -> pd.Series:
    series = index_levels.copy()
    if not isinstance(series.index, pd.PeriodIndex):
        series.index = pd.PeriodIndex(series.index.astype(str), freq="M")
    return series.astype(float)


def roll_forward(
    comparators: pd.DataFrame,
    index_levels: pd.Series,
    to: str,
    *,
    index_name: str = "CPI",
    anchor: str = "month",
    anchor_month: int = 4,
) -> pd.DataFrame:
    """Restate every rate at the prices of one period with a price index.

    ``rate_rolled = rate x index(to) / index(period)``, with periods read as in
    :func:`period_months` (a financial year is its April by default). Only money rates are
    rolled (a ``unit`` starting ``GBP`` or ``£``); uplift percentages are not.

    Parameters
    ----------
    comparators
        A validated comparator table.
    index_levels
        Monthly index levels (a Series indexed by month, e.g.
        ``costofcare.parameters.load().index_series("CPI")``).
    to
        The period to restate to, e.g. ``"2025-26"`` or ``"2025-09"``.

    Returns
    -------
    pandas.DataFrame
        The table plus ``base_period, target_period, index, index_ratio, rate_rolled,
        roll_status`` (``"rolled"``, or why a row could not be rolled: its period is not
        understood, or the index does not cover it).

    Raises
    ------
    ComparatorError
        When ``to`` itself cannot be read or the index does not cover it.
    """
    levels = _monthly(index_levels)
    target_months = period_months(to, anchor, anchor_month)
    target_level = _index_level(levels, target_months)
    target_label = _label(target_months)
    table = comparators.copy()
    base, ratio, status = [], [], []
    for period, unit in zip(table["period"], table["unit"], strict=True):
        if not is_money_unit(unit):
            base.append("")
            ratio.append(math.nan)
            status.append(f"not rolled: {unit!r} is not a money rate")
            continue
        try:
            months = period_months(period, anchor, anchor_month)
            row_ratio = target_level / _index_level(levels, months)
        except ComparatorError as exc:
            base.append("")
            ratio.append(math.nan)
            status.append(f"not rolled: {exc}")
        else:
            base.append(_label(months))
            ratio.append(row_ratio)
            status.append("rolled")
    table["base_period"] = base
    table["target_period"] = target_label
    table["index"] = index_name
    table["index_ratio"] = ratio
    table["rate_rolled"] = table["rate"] * table["index_ratio"]
    table["roll_status"] = status
    return table


def is_money_unit(unit: str) -> bool:
    """True for a unit of money (``"GBP per hour"``, ``"GBP/resident_week"``, ``"£/hour"``)."""
    text = str(unit).strip().lower()
    return text.startswith(("gbp", "£"))


def _label(months: list[pd.Period]) -> str:
    return str(months[0]) if len(months) == 1 else f"{months[0]} to {months[-1]} average"


def select_comparators(
    comparators: pd.DataFrame,
    service: str,
    *,
    unit: str | None = None,
    basis_kinds: tuple[str, ...] | None = ("provider_fee",),
    exclude_flags: tuple[str, ...] = (),
    latest_only: bool = True,
) -> pd.DataFrame:
    """The comparator rates fit to compare with ours for one service.

    Parameters
    ----------
    service
        The ``service`` value to keep, e.g. ``"home_care"`` or ``"care_home_nursing_65"``.
    unit
        Keep only this unit (default: all; mixed units raise an error).
    basis_kinds
        ``basis_kind`` values to keep; the default keeps provider fees only. ``None`` keeps
        every row (rows of a user table without ``basis_kind`` are always kept).
    exclude_flags
        Leave out rows carrying any of these flags (e.g. ``("uncertain_period",)``).
    latest_only
        Where an authority has several rates for the service, keep the latest period only,
        so no authority counts twice.
    """
    rows = comparators[comparators["service"] == service].copy()
    for column in ("basis_kind", "flags"):
        if column not in rows:
            rows[column] = ""
    if rows.empty:
        known = ", ".join(sorted(comparators["service"].unique()))
        raise ComparatorError(f"no comparator rates for service {service!r} (found: {known})")
    if unit is not None:
        rows = rows[rows["unit"] == unit]
    if basis_kinds is not None:
        rows = rows[rows["basis_kind"].isin(basis_kinds) | (rows["basis_kind"] == "")]
    if exclude_flags:
        flagged = rows["flags"].str.split(";").apply(lambda f: bool(set(f) & set(exclude_flags)))
        rows = rows[~flagged]
    if rows["unit"].nunique() > 1:
        raise ComparatorError(
            f"comparator rates for {service} are in more than one unit "
            f"({', '.join(sorted(rows['unit'].unique()))}); choose one with unit="
        )
    if latest_only and not rows.empty:
        order = rows["period"].map(_sort_key)
        rows = (
            rows.assign(_order=order)
            .sort_values("_order", kind="mergesort")
            .drop_duplicates("authority", keep="last")
            .drop(columns="_order")
        )
    return rows.sort_values("authority", kind="mergesort").reset_index(drop=True)


def _sort_key(period: str) -> str:
    try:
        return str(period_months(period)[0])
    except ComparatorError:
        return ""


def rank_position(
    comparators: pd.DataFrame,
    our_rate: float,
    *,
    authority: str = "Our authority",
    region: str | None = None,
    rate_column: str = "rate_rolled",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Where our rate stands among the comparators.

    Rows without a rate in ``rate_column`` (not rolled) and any row for our own authority
    are left out of the comparators; our rate is then added as one more authority.

    Returns
    -------
    ranked : pandas.DataFrame
        Comparators and us, highest rate first, with ``rank`` (1 = highest; ties share the
        best rank), ``percentile`` (Excel ``PERCENTRANK.INC`` over all rates including ours:
        0 lowest, 1 highest) and ``is_ours``.
    summary : pandas.DataFrame
        One row: ``authority, our_rate, comparators, rank, of, percentile, min,
        lower_quartile, median, upper_quartile, max, difference_from_median`` and, when
        ``region`` is given, ``region, regional_comparators, regional_median,
        difference_from_regional_median``. Quartiles (``QUARTILE.INC``) are of the
        comparators only, without us.
    """
    if rate_column not in comparators:
        raise ComparatorError(
            f"comparator table has no {rate_column!r} column; roll the rates forward first "
            f"or pass rate_column='rate'"
        )
    others = comparators[
        comparators[rate_column].notna() & (comparators["authority"] != authority)
    ].copy()
    if others.empty:
        raise ComparatorError(
            f"no comparator rates left to rank {authority} against (check the service, "
            f"basis and flag filters, and that the rates could be rolled forward)"
        )
    ours = {
        "authority": authority,
        "region": region or "",
        rate_column: float(our_rate),
        "is_ours": True,
    }
    ranked = pd.concat([others.assign(is_ours=False), pd.DataFrame([ours])], ignore_index=True)
    rates = ranked[rate_column].to_numpy(dtype=float)
    ranked["rank"] = ranked[rate_column].rank(method="min", ascending=False).astype(int)
    ranked["percentile"] = percentrank_inc(rates, rates)
    ranked = ranked.sort_values(["rank", "is_ours"], ascending=[True, False], kind="mergesort")
    ranked = ranked.reset_index(drop=True)
    values = others[rate_column].to_numpy(dtype=float)
    quartiles = percentile_inc(values, [0, 0.25, 0.5, 0.75, 1])
    mine = ranked[ranked["is_ours"]].iloc[0]
    summary = {
        "authority": authority,
        "our_rate": float(our_rate),
        "comparators": len(others),
        "rank": int(mine["rank"]),
        "of": len(ranked),
        "percentile": float(mine["percentile"]),
        "min": quartiles[0],
        "lower_quartile": quartiles[1],
        "median": quartiles[2],
        "upper_quartile": quartiles[3],
        "max": quartiles[4],
        "difference_from_median": float(our_rate) - quartiles[2],
    }
    if region is not None:
        regional = others.loc[others["region"] == region, rate_column].to_numpy(dtype=float)
        regional_median = percentile_inc(regional, 0.5)
        summary.update(
            {
                "region": region,
                "regional_comparators": int(regional.size),
                "regional_median": regional_median,
                "difference_from_regional_median": float(our_rate) - regional_median,
            }
        )
    return ranked, pd.DataFrame([summary])
