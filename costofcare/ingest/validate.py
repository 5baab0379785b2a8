"""Checks on one return after its cells are read: required fields, bounds, plausibility,
pay below the legal floor, and figures that should add up.

Every check appends issues; none stops the others. Coercion problems were recorded when
the cells were read, so a value that could not be read is not reported again here (and a
check that needs it is skipped).

Cross-field checks name the fields they use and are skipped when a template version does
not have them.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from ..errors import ParameterError
from ..money import WEEKS_PER_YEAR
from ..templates.spec import COST_GROUP_CATEGORY, Field, TemplateSpec
from .coerce import NUMERIC_KINDS, Coerced
from .issues import Issue

STAFF_TABLE = "staff_roles"

PAY_RATE_COLUMNS = {STAFF_TABLE: ("basic_rate_per_hour",)}
"""Table columns holding an hourly rate of pay (checked against the wage floor)."""

PAY_RATE_FIELDS = ("waking_night_rate_per_hour",)
"""Single fields holding an hourly rate of pay (checked against the wage floor)."""

FRONTLINE_TOTALS = {
    # service: (headcount field, paid hours field, cost line of the frontline roles)
    "home_care": ("care_worker_headcount", "care_worker_paid_hours_per_week", "Care worker costs"),
    "supported_living": (
        "support_worker_headcount",
        "support_worker_paid_hours_per_week",
        "Support worker costs",
    ),
}
"""Single totals that should match the frontline rows of the staffing table."""

PART_OF = (
    # (part, whole): the part cannot exceed the whole
    ("contact_hours_council_per_week", "contact_hours_per_week"),
    ("support_hours_council_per_week", "support_hours_per_week"),
    ("contact_hours_per_week", "care_worker_paid_hours_per_week"),
)

CARE_HOME_RESIDENTS_BY_CARE = (
    "residents_residential",
    "residents_residential_enhanced",
    "residents_nursing",
    "residents_nursing_enhanced",
)
CARE_HOME_RESIDENTS_BY_FUNDER = (
    "residents_council_funded",
    "residents_other_council_funded",
    "residents_nhs_funded",
    "residents_self_funded",
)

TOTALS_TOLERANCE = 0.05
"""Relative gap allowed between a total and the sum of its parts before a warning."""

OCCUPANCY_TOLERANCE = 0.15
"""Gap allowed between stated average occupancy and end-of-period residents / beds."""

RETURN_RATE_TOLERANCE = 0.03
"""Gap allowed, in fractions of cost (0.03 = 3 percentage points), between the return on
operations rate a provider states and the surplus it reports as a share of its costs
before the return, before a ``return_rate_mismatch`` warning."""

OTHER_COSTS = ("other_costs", "annual_cost", "cost_group")
"""(table, amount column, heading column) of the "other costs" table: the category of an
amount is the one of its row's heading (:data:`~costofcare.templates.spec.COST_GROUP_CATEGORY`)."""

NATION_OF_REGULATOR = {
    "Care Inspectorate (Scotland)": "scotland",
    "Care Inspectorate Wales": "wales",
}
NATIONAL_CARE_FLOORS = {
    "scotland": ("scotland_social_care_min_hourly", "Scottish adult social care pay floor"),
    "wales": ("wales_social_care_min_hourly", "Welsh social care pay floor (Real Living Wage)"),
}


class WageFloors:
    """Dated pay floors from the parameters: the legal National Living Wage and, where the
    return's regulator says Scotland or Wales, that nation's social care pay floor.

    Parameters
    ----------
    parameters : a :class:`costofcare.parameters.Parameters`; None loads the shipped data.
    """

    def __init__(self, parameters=None) -> None:
        if parameters is None:
            from ..parameters import load

            parameters = load()
        self.parameters = parameters
        self._cache: dict[tuple[str, str], list[tuple[str, float]]] = {}

    def floors(self, on: str, nation: str = "") -> list[tuple[str, float]]:
        """[(description, £ per hour)] in force on an ISO date; unknown dates give []."""
        key = (on, nation)
        if key not in self._cache:
            out: list[tuple[str, float]] = []
            wanted = [("national_living_wage_hourly", "National Living Wage")]
            if nation in NATIONAL_CARE_FLOORS:
                wanted.append(NATIONAL_CARE_FLOORS[nation])
            for name, label in wanted:
                try:
                    out.append((label, float(self.parameters.value(name, on=on))))
                except (ParameterError, KeyError, ValueError):
                    continue
            self._cache[key] = out
        return self._cache[key]


@dataclass(frozen=True)
class _Where:
    sheet: str = ""
    cell: str = ""


def _fmt(f: Field, value: float) -> str:
    if f.kind == "percent":
        return f"{value * 100:.4g}%"
    if f.kind == "money":
        return f"£{value:,.2f}"
    return f"{value:,.10g}"


def check_return(result, spec: TemplateSpec, singles: dict, tables: dict, wage_floors) -> None:
    """Run every check on one return, appending issues to ``result.issues``.

    Parameters
    ----------
    result : the :class:`~costofcare.ingest.reader.ReturnResult` being filled.
    spec : the template spec the return was read by.
    singles : output field id -> :class:`~costofcare.ingest.reader.ReadCell`.
    tables : output table id -> :class:`~costofcare.ingest.reader.ReadTable`.
    wage_floors : :class:`WageFloors`, or None to skip the pay floor check.
    """

    def add(code: str, message: str, field: str, read=None, raw: str = "") -> None:
        result.issues.append(
            Issue(
                code,
                message,
                file=result.file,
                sheet=read.sheet if read is not None else "",
                cell=read.cell if read is not None else "",
                field=field,
                raw_value=raw or (read.got.raw if read is not None and read.got else ""),
                return_id=result.return_id,
                provider=result.provider,
            )
        )

    # Required single fields and bounds.
    for fid, read in singles.items():
        f = read.field
        got = read.got
        if got is not None and _quiet(f, got):
            continue  # almost every field: nothing to say, so no message is built
        if got is None or not got.ok:
            if f.required and (got is None or got.code in ("", "not_applicable")):
                if read.row < 0:
                    msg = f"{f.label} is required but was not found in the workbook"
                elif got is not None:
                    msg = f"{f.label} is required but was given as {got.raw.strip()!r}"
                else:
                    msg = f"{f.label} is required but is blank"
                add("required_missing", msg, fid, read if read.row >= 0 else None)
            continue
        _bounds(add, f, fid, got.value, read, f.label)

    # Tables: required columns of used rows, bounds of every cell.
    for rt in tables.values():
        missing = set(rt.missing_columns)
        for row_no, cells in rt.rows:
            if all(rc.got is None for rc in cells.values()):
                continue
            for cid, rc in cells.items():
                f, got = rc.field, rc.got
                if got is not None and _quiet(f, got):
                    continue  # almost every cell: nothing to say, so no message is built
                where = f"{rt.table.label} row {row_no}: {f.label}"
                if rc.got is None or not rc.got.ok:
                    if f.required and f.id not in missing:
                        if rc.got is None or rc.got.code in ("", "not_applicable"):
                            given = (
                                f"was given as {rc.got.raw.strip()!r}"
                                if rc.got is not None
                                else "is blank"
                            )
                            add(
                                "required_missing",
                                f"{where} is required in a used row but {given}",
                                cid,
                                rc,
                            )
                    continue
                _bounds(add, f, cid, rc.got.value, rc, where)

    value = _values(singles)
    _check_period(add, singles, value)
    _check_pay_given(add, tables)
    if wage_floors is not None:
        _check_wage_floor(add, result, singles, tables, wage_floors)
    _check_totals(add, result.service, singles, tables, value)
    _check_return_rate(add, singles, tables, value)


def _quiet(f: Field, got: Coerced) -> bool:
    """True for a cell read that needs no issue about being required or out of bounds: text
    that was read, or a number :func:`_bounds` has nothing to say about.

    Asked first of every cell, so written for speed: a number (not NaN) means a value was
    read (``got.ok``), NaN means one was only if text was; ``f.kind`` is tested as
    ``f.numeric`` does, without the property call."""
    value = got.value
    if math.isnan(value):
        return got.text != ""
    return f.kind not in NUMERIC_KINDS or (
        (f.min is None or value >= f.min)
        and (f.max is None or value <= f.max)
        and (f.warn_min is None or value >= f.warn_min)
        and (f.warn_max is None or value <= f.warn_max)
    )


def _bounds(add, f: Field, fid: str, value: float, read, where: str) -> None:
    if math.isnan(value) or not f.numeric:
        return
    if f.min is not None and value < f.min:
        add(
            "out_of_bounds",
            f"{where}: {_fmt(f, value)} is below the minimum {_fmt(f, f.min)}",
            fid,
            read,
        )
    elif f.max is not None and value > f.max:
        add(
            "out_of_bounds",
            f"{where}: {_fmt(f, value)} is above the maximum {_fmt(f, f.max)}",
            fid,
            read,
        )
    elif f.warn_min is not None and value < f.warn_min:
        add(
            "implausible",
            f"{where}: {_fmt(f, value)} is unusually low (below {_fmt(f, f.warn_min)}); "
            "please confirm",
            fid,
            read,
        )
    elif f.warn_max is not None and value > f.warn_max:
        add(
            "implausible",
            f"{where}: {_fmt(f, value)} is unusually high (above {_fmt(f, f.warn_max)}); "
            "please confirm",
            fid,
            read,
        )


def _values(singles: dict) -> dict[str, float]:
    """Numeric single values that were read (NaN-free)."""
    out: dict[str, float] = {}
    for fid, read in singles.items():
        if read.got is not None and not math.isnan(read.got.value):
            out[fid] = read.got.value
    return out


def _text(singles: dict, fid: str) -> str:
    read = singles.get(fid)
    return read.got.text if read is not None and read.got is not None else ""


def _check_period(add, singles: dict, value: dict) -> None:
    start, end = _text(singles, "period_start"), _text(singles, "period_end")
    if not start or not end:
        return
    d0, d1 = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    if d1 <= d0:
        add(
            "out_of_bounds",
            f"the period ends ({end}) on or before it starts ({start})",
            "period_end",
            singles["period_end"],
        )
        return
    days = (d1 - d0).days + 1
    if not 334 <= days <= 397:  # 11 to 13 months
        add(
            "implausible",
            f"the period {start} to {end} is {days} days long, not about 12 months; annual "
            "figures may not be for a year",
            "period_end",
            singles["period_end"],
        )


def _check_wage_floor(add, result, singles: dict, tables: dict, wage_floors: WageFloors) -> None:
    on = _text(singles, "period_start") or _text(singles, "period_end")
    if not on:
        return
    nation = NATION_OF_REGULATOR.get(_text(singles, "regulator"), "")
    floors = wage_floors.floors(on, nation)
    if not floors:
        return

    def check(rate: float, where: str, fid: str, read) -> None:
        for label, floor in floors:
            if rate < floor - 1e-9:
                add(
                    "below_wage_floor",
                    f"{where}: £{rate:,.2f} an hour is below the {label} of £{floor:,.2f} in "
                    f"force on {on} (the start of the period)",
                    fid,
                    read,
                )
                break

    for fid in PAY_RATE_FIELDS:
        read = singles.get(fid)
        if read is not None and read.got is not None and not math.isnan(read.got.value):
            if read.got.value > 0:
                check(read.got.value, read.field.label, fid, read)
    for tid, columns in PAY_RATE_COLUMNS.items():
        rt = tables.get(tid)
        if rt is None:
            continue
        for row_no, cells in rt.rows:
            for cid in columns:
                rc = cells.get(cid)
                if rc is not None and rc.got is not None and not math.isnan(rc.got.value):
                    if rc.got.value > 0:
                        where = f"{rt.table.label} row {row_no}: {rc.field.label}"
                        check(rc.got.value, where, cid, rc)
    # Sleep-ins paid by the hour must pay at least the floor for every hour.
    paid_hourly = singles.get("sleep_in_paid_hourly")
    if paid_hourly is not None and paid_hourly.got is not None and paid_hourly.got.value == 1.0:
        pay, hours = (
            singles.get("sleep_in_payment_per_night"),
            singles.get("sleep_in_hours_per_night"),
        )
        if pay and hours and pay.got and hours.got and hours.got.value > 0:
            rate = pay.got.value / hours.got.value
            if not math.isnan(rate):
                check(
                    rate,
                    "Pay for one sleep-in / its length (paid by the hour)",
                    "sleep_in_payment_per_night",
                    pay,
                )


def _read_number(rc) -> float:
    """The number read from a cell, or NaN when none was (a value that is not ``ok`` is
    NaN already)."""
    if rc is None or rc.got is None:
        return math.nan
    return rc.got.value


def _check_pay_given(add, tables: dict) -> None:
    """A staffing row with people or paid hours gives a basic rate above £0 an hour.

    £0 passes the field's bounds (a rate cannot be negative) but is never a rate anyone is
    paid: the row's pay would price at nothing, so it is an error, not a wage floor warning.
    """
    for tid, columns in PAY_RATE_COLUMNS.items():
        rt = tables.get(tid)
        if rt is None:
            continue
        for row_no, cells in rt.rows:
            people = _read_number(cells.get("headcount"))
            hours = _read_number(cells.get("paid_hours_per_week"))
            if not (people > 0 or hours > 0):
                continue
            for cid in columns:
                rc = cells.get(cid)
                if _read_number(rc) == 0:
                    add(
                        "zero_pay",
                        f"{rt.table.label} row {row_no}: {rc.field.label} is £0.00 an hour "
                        f"(cell {rc.sheet}!{rc.cell}) for a row with staff or paid hours; "
                        "enter the average basic hourly rate they are paid",
                        cid,
                        rc,
                    )


def _costs_before_return_annual(singles: dict, tables: dict) -> float:
    """Annual £ of every cost read, before the return: the base of the return rate.

    The same lines as the reported unit cost (:mod:`costofcare.costs.reported`): single cost
    fields and table columns with a cost category other than ``return``, and each "other
    costs" row by the category of its heading.
    """
    total = 0.0
    for read in singles.values():
        f = read.field
        if f.category not in (None, "return") and f.cost_line is not None:
            amount = _read_number(read)
            total += 0.0 if math.isnan(amount) else amount
    other_table, other_amount, other_heading = OTHER_COSTS
    for tid, rt in tables.items():
        for _, cells in rt.rows:
            for cid, rc in cells.items():
                category = rc.field.category
                if tid == other_table and cid == other_amount:
                    heading = cells.get(other_heading)
                    text = heading.got.text if heading is not None and heading.got else ""
                    category = COST_GROUP_CATEGORY.get(text, "non_staffing")
                if category is None or category == "return":
                    continue  # most columns (hours, rates, headings) are not a cost
                amount = _read_number(rc)
                if not math.isnan(amount):
                    total += amount
    return total


def _check_return_rate(add, singles: dict, tables: dict, value: dict) -> None:
    """The surplus reported, as a share of costs, is near the return on operations stated.

    Skipped when either figure is missing or the surplus is 0 (a loss is entered as 0, and
    the unit cost then prices the return at the stated rate).
    """
    surplus = value.get("return_on_operations_annual", 0.0)
    rate = value.get("return_on_operations_rate")
    if not surplus > 0 or rate is None:
        return
    cost = _costs_before_return_annual(singles, tables)
    if cost <= 0:
        return
    made = surplus / cost
    if abs(made - rate) > RETURN_RATE_TOLERANCE + 1e-12:
        add(
            "return_rate_mismatch",
            f"the surplus of £{surplus:,.2f} is {made:.1%} of the costs before the return "
            f"(£{cost:,.2f}), but the return on operations the provider says it needs is "
            f"{rate:.1%}: more than {RETURN_RATE_TOLERANCE * 100:g} percentage points apart; "
            "confirm the surplus (a loss is entered as 0) and the return needed",
            "return_on_operations_annual",
            singles["return_on_operations_annual"],
        )


def _frontline_rows(rt, cost_line: str):
    role_col = rt.table.column("role") if any(c.id == "role" for c in rt.table.columns) else None
    if role_col is None:
        return []
    out = []
    for row_no, cells in rt.rows:
        role = cells.get("role")
        if role is None or role.got is None or not role.got.text:
            continue
        if role_col.cost_line_for(role.got.text) == cost_line:
            out.append((row_no, cells))
    return out


def _sum(rows, column: str) -> tuple[float, int]:
    total, n = 0.0, 0
    for _, cells in rows:
        rc = cells.get(column)
        if rc is not None and rc.got is not None and not math.isnan(rc.got.value):
            total += rc.got.value
            n += 1
    return total, n


def _differs(a: float, b: float, tolerance: float = TOTALS_TOLERANCE) -> bool:
    return abs(a - b) > tolerance * max(abs(a), abs(b), 1.0)


def _check_totals(add, service: str, singles: dict, tables: dict, value: dict) -> None:
    _check_parts(add, singles, value)
    staff = tables.get(STAFF_TABLE)
    if staff is not None:
        if service in FRONTLINE_TOTALS and staff.found:
            _check_frontline(add, service, singles, staff, value)
        _check_gross_pay(add, staff)
    if service == "care_home":
        _check_residents(add, singles, value)


def _check_parts(add, singles: dict, value: dict) -> None:
    """A part (e.g. agency hours) is never more than its whole."""
    for part, whole in PART_OF:
        if part in value and whole in value and value[part] > value[whole] * (1 + 1e-9):
            pf, wf = singles[part].field, singles[whole].field
            add(
                "totals_mismatch",
                f"{pf.label} ({_fmt(pf, value[part])}) is more than {wf.label} "
                f"({_fmt(wf, value[whole])})",
                part,
                singles[part],
            )


def _check_frontline(add, service: str, singles: dict, staff, value: dict) -> None:
    """Front-line headcount and hours agree with the staffing table's front-line rows."""
    headcount_id, hours_id, cost_line = FRONTLINE_TOTALS[service]
    rows = _frontline_rows(staff, cost_line)
    if not rows:
        return
    for fid, column, what in (
        (headcount_id, "headcount", "headcount"),
        (hours_id, "paid_hours_per_week", "paid hours a week"),
    ):
        total, n = _sum(rows, column)
        if fid in value and n and _differs(value[fid], total):
            f = singles[fid].field
            add(
                "totals_mismatch",
                f"{f.label} is {_fmt(f, value[fid])} but the {cost_line.lower()} rows of "
                f"the staffing table add up to {total:,.10g} {what}",
                fid,
                singles[fid],
            )


def _check_gross_pay(add, staff) -> None:
    """A staffing row's gross pay is at least paid hours a week x weeks a year x basic pay."""
    for row_no, cells in staff.rows:
        gross = _read_number(cells.get("annual_gross_pay"))
        hours = _read_number(cells.get("paid_hours_per_week"))
        rate = _read_number(cells.get("basic_rate_per_hour"))
        if math.isnan(gross) or math.isnan(hours) or math.isnan(rate):
            continue
        floor_pay = hours * WEEKS_PER_YEAR * rate
        if gross < floor_pay * (1 - TOTALS_TOLERANCE * 2):
            add(
                "totals_mismatch",
                f"{staff.table.label} row {row_no}: gross pay £{gross:,.2f} is less than paid "
                f"hours a week × {WEEKS_PER_YEAR:.2f} weeks × basic pay per hour "
                f"(£{floor_pay:,.2f})",
                "annual_gross_pay",
                cells["annual_gross_pay"],
            )


def _check_residents(add, singles: dict, value: dict) -> None:
    """Care home residents: within registered beds, by funder = by care, occupancy plausible."""
    by_care = [value[f] for f in CARE_HOME_RESIDENTS_BY_CARE if f in value]
    by_funder = [value[f] for f in CARE_HOME_RESIDENTS_BY_FUNDER if f in value]
    residents = sum(by_care)
    if by_care and "registered_beds" in value and residents > value["registered_beds"]:
        add(
            "totals_mismatch",
            f"residents by type of care add up to {residents:,.10g}, more than the "
            f"{value['registered_beds']:,.10g} registered beds (occupancy over 100%)",
            "registered_beds",
            singles["registered_beds"],
        )
    if by_care and by_funder and sum(by_funder) != residents:
        add(
            "totals_mismatch",
            f"residents by funder add up to {sum(by_funder):,.10g} but residents by type "
            f"of care add up to {residents:,.10g}",
            CARE_HOME_RESIDENTS_BY_FUNDER[0],
            singles[CARE_HOME_RESIDENTS_BY_FUNDER[0]],
        )
    if by_care and value.get("registered_beds") and "average_occupancy" in value:
        implied = residents / value["registered_beds"]
        stated = value["average_occupancy"]
        if abs(implied - stated) > OCCUPANCY_TOLERANCE:
            add(
                "implausible",
                f"average occupancy {stated * 100:.4g}% is far from residents / registered "
                f"beds at the end of the period ({implied * 100:.4g}%)",
                "average_occupancy",
                singles["average_occupancy"],
            )
