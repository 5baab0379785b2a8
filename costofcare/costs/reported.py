"""Reported (top-down) unit costs: a provider's actual costs divided by its units.

Input is the tidy values table written by ingest (one row per value read: ``return_id``,
``provider``, ``service``, ``table``, ``row``, ``field``, ``value``, ``text``, ``sheet``,
``cell`` ...). The template spec says which fields are cost lines: each carries
``category`` and ``cost_line`` (the 2022 Fair Cost of Care label). Staff pay comes from the
``staff_roles`` table (gross pay, employer NI, pension and agency spend per row, the line
given by the row's role; for home care and supported living front-line roles, employer NI
and pension are the lines "Employer NI" and "Employer pension", as in Annex A and the
modelled route) and extra costs from the ``other_costs`` table (line given by its
``cost_group``).

Period and units are stated by the return, never assumed: weeks in the period are
``(period_end - period_start + 1 day) / 7`` and annual units are

* home care: ``contact_hours_per_week`` x weeks;
* supported living: ``support_hours_per_week`` x weeks (sleep-in and waking night costs are
  in the lines; nights are not counted as hours). Two more routes price nights the way they
  are commissioned: ``reported_nights_apart`` (waking night hours counted as support hours,
  sleep-in costs taken out) and ``reported_sleep_in`` (£ per sleep-in night); see
  :func:`_nights_apart`;
* care homes: occupied resident weeks ``registered_beds x average_occupancy x weeks``, and
  also, when ``standard_occupancy`` is given, ``registered_beds x standard_occupancy x weeks``
  so that an under-occupied home does not inflate the benchmark (route
  ``reported_standard_occupancy``).

Each line's ``source`` lists the cells it was read from.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from ..errors import UserError
from .lines import UNITS
from .modelled import TIDY_COLUMNS

__all__ = ["reported_unit_cost", "reported_unit_cost_with_issues", "UNIT_FIELDS"]

#: field giving the weekly units of each service (care homes use beds x occupancy)
UNIT_FIELDS = {
    "home_care": "contact_hours_per_week",
    "supported_living": "support_hours_per_week",
}
_STAFF_AMOUNTS = (
    "annual_gross_pay",
    "employer_ni_annual",
    "employer_pension_annual",
    "agency_spend_annual",
)
#: Home care and supported living front-line roles: employer NI and pension are lines of
#: their own, as in Annex A (and in the modelled route), not inside the pay line.
FRONT_LINE_ONCOSTS = {
    ("home_care", "Care worker costs"): {
        "employer_ni_annual": "Employer NI",
        "employer_pension_annual": "Employer pension",
    },
    ("supported_living", "Support worker costs"): {
        "employer_ni_annual": "Employer NI",
        "employer_pension_annual": "Employer pension",
    },
}


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


def _ref(row: pd.Series) -> str:
    return f"{row['sheet']}!{row['cell']}" if row.get("cell") else str(row.get("field"))


def _spec(service: str, version: str | None):
    from ..templates.spec import get_spec

    return get_spec(service, version or None)


def _single(values: pd.DataFrame, field: str) -> pd.Series | None:
    rows = values[(values["table"] == "") & (values["field"] == field)]
    return None if rows.empty else rows.iloc[0]


def _number(values: pd.DataFrame, field: str) -> float:
    row = _single(values, field)
    return float("nan") if row is None else float(row["value"])


def _date(values: pd.DataFrame, field: str, return_id: str) -> dt.date:
    row = _single(values, field)
    text = "" if row is None else str(row["text"]).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise UserError(
            f"return {return_id}: {field} is missing or not a date ({text!r}); the period "
            "must be stated to put costs on an annual basis"
        ) from None


def _one_return(values: pd.DataFrame, standard_occupancy: float | None) -> list[dict]:
    first = values.iloc[0]
    service, return_id = str(first["service"]), str(first["return_id"])
    spec = _spec(service, str(first.get("template_version", "")) or None)
    start = _date(values, "period_start", return_id)
    end = _date(values, "period_end", return_id)
    days = (end - start).days + 1
    if days <= 0:
        raise UserError(f"return {return_id}: period_end {end} is before period_start {start}")
    weeks = days / 7.0

    # units per period
    denominators: list[tuple[str, float, str]] = []
    if service == "care_home":
        beds = _number(values, "registered_beds")
        occupancy = _number(values, "average_occupancy")
        refs = [
            _ref(r)
            for f in ("registered_beds", "average_occupancy")
            if (r := _single(values, f)) is not None
        ]
        denominators.append(("reported", beds * occupancy * weeks, "; ".join(refs)))
        if standard_occupancy is not None:
            denominators.append(
                (
                    "reported_standard_occupancy",
                    beds * standard_occupancy * weeks,
                    f"{'; '.join(refs[:1])}; standard occupancy {standard_occupancy:g}",
                )
            )
    else:
        field = UNIT_FIELDS[service]
        row = _single(values, field)
        denominators.append(
            ("reported", _number(values, field) * weeks, "" if row is None else _ref(row))
        )

    # annual cost lines: {cost_line: [amount, category, group, refs]}
    lines: dict[str, list] = {}

    def add(cost_line: str, category: str, group: str, amount: float, ref: str) -> None:
        if not np.isfinite(amount) or amount == 0:
            return
        entry = lines.setdefault(cost_line, [0.0, category, group, []])
        entry[0] += amount
        entry[3].append(ref)

    singles = values[values["table"] == ""]
    for f in spec.fields():
        if f.category is None or f.cost_line is None:
            continue
        row = singles[singles["field"] == f.id]
        if not row.empty:
            add(
                f.cost_line,
                f.category,
                getattr(f, "cost_group", "") or "",
                float(row.iloc[0]["value"]),
                _ref(row.iloc[0]),
            )
    tables = {t.id: t for t in spec.tables()}
    if "staff_roles" in tables:
        role_field = next(c for c in tables["staff_roles"].columns if c.id == "role")
        staff = values[values["table"] == "staff_roles"]
        for _, rows in staff.groupby("row"):
            role = rows[rows["field"] == "role"]
            role_text = "" if role.empty else str(role.iloc[0]["text"])
            cost_line = role_field.cost_line_for(role_text) or "Other staffing"
            split = FRONT_LINE_ONCOSTS.get((service, cost_line), {})
            for amount_field in _STAFF_AMOUNTS:
                r = rows[rows["field"] == amount_field]
                if not r.empty:
                    add(
                        split.get(amount_field, cost_line),
                        "staffing",
                        "Staffing",
                        float(r.iloc[0]["value"]),
                        _ref(r.iloc[0]),
                    )
    if "other_costs" in tables:
        from ..templates.spec import COST_GROUP_CATEGORY

        other = values[values["table"] == "other_costs"]
        for _, rows in other.groupby("row"):
            g = rows[rows["field"] == "cost_group"]
            a = rows[rows["field"] == "annual_cost"]
            if a.empty:
                continue
            group = "" if g.empty else str(g.iloc[0]["text"])
            category = COST_GROUP_CATEGORY.get(group, "non_staffing")
            add(
                f"Other {group.lower() or 'costs'}",
                category,
                group,
                float(a.iloc[0]["value"]),
                _ref(a.iloc[0]),
            )

    # return on operations stated only as a rate: rate x costs before the return
    if not any(v[1] == "return" and k == "Return on operations" for k, v in lines.items()):
        rate = _number(values, "return_on_operations_rate")
        if np.isfinite(rate) and rate > 0:
            cost = sum(v[0] for v in lines.values() if v[1] != "return")
            row = _single(values, "return_on_operations_rate")
            add(
                "Return on operations",
                "return",
                "Return",
                rate * cost,
                f"{_ref(row)} x costs before the return",
            )

    out = []
    total_annual = sum(v[0] for v in lines.values())

    def emit(route: str, unit: str, route_lines: dict, units: float, unit_ref: str) -> None:
        for cost_line, (amount, category, group, refs) in route_lines.items():
            out.append(
                {
                    "provider": str(first["provider"]),
                    "return_id": return_id,
                    "service": service,
                    "route": route,
                    "period_start": start.isoformat(),
                    "period_end": end.isoformat(),
                    "unit": unit,
                    "line": _slug(cost_line),
                    "cost_line": cost_line,
                    "category": category,
                    "group": group,
                    "cost_per_unit": amount / units,
                    "share_of_total": amount / total_annual if total_annual else 0.0,
                    "source": f"{'; '.join(refs)} / units ({unit_ref}; {weeks:.3f} weeks)",
                }
            )

    for route, units, unit_ref in denominators:
        if not np.isfinite(units) or units <= 0:
            raise UserError(
                f"return {return_id} ({first['provider']}): no units to divide by "
                f"({UNITS[service].replace('_', ' ')}s from {unit_ref or 'missing fields'})"
            )
        emit(route, UNITS[service], lines, units, unit_ref)
    if service == "supported_living":
        for route, unit, route_lines, units, unit_ref in _nights_apart(
            values, lines, denominators[0][1], denominators[0][2], weeks
        ):
            emit(route, unit, route_lines, units, unit_ref)
    return out


def _nights_apart(
    values: pd.DataFrame, lines: dict, day_units: float, day_ref: str, weeks: float
) -> list[tuple[str, str, dict, float, str]]:
    """Supported living with nights priced the way they are commissioned.

    Route ``reported_nights_apart`` (£ per support hour): waking night hours are support
    hours (``waking_nights_per_week x waking_night_hours_per_night x weeks`` added to the
    daytime hours), and the cost of sleep-ins is taken out of the staffing lines (each
    scaled down by the same share), to be paid per night instead.

    Route ``reported_sleep_in`` (£ per sleep-in night): the pay for one sleep-in
    (``sleep_in_payment_per_night``) plus employer on-costs at the return's own rate
    (employer NI and pension over gross pay in its staffing table; none when the table
    gives no gross pay). Only for returns with sleep-ins.

    A return whose nights cannot be worked out (waking nights without their length, or
    sleep-ins costing more than all its staffing) gets neither route; its ``reported``
    route stands.
    """
    sleep_ins = _number(values, "sleep_ins_per_week")
    pay = _number(values, "sleep_in_payment_per_night")
    waking = _number(values, "waking_nights_per_week")
    waking_length = _number(values, "waking_night_hours_per_night")
    sleep_ins = sleep_ins if np.isfinite(sleep_ins) and sleep_ins > 0 else 0.0
    waking = waking if np.isfinite(waking) and waking > 0 else 0.0
    if sleep_ins and not (np.isfinite(pay) and pay > 0):
        return []
    if waking and not (np.isfinite(waking_length) and waking_length > 0):
        return []

    staff = values[values["table"] == "staff_roles"]
    amounts = staff.groupby("field")["value"].sum(min_count=1)
    gross = float(amounts.get("annual_gross_pay", np.nan))
    on_costs = float(
        np.nansum(
            [amounts.get("employer_ni_annual", 0.0), amounts.get("employer_pension_annual", 0.0)]
        )
    )
    on_cost_rate = on_costs / gross if np.isfinite(gross) and gross > 0 else 0.0
    per_night = pay * (1 + on_cost_rate) if sleep_ins else 0.0
    sleep_in_annual = sleep_ins * weeks * per_night
    staffing_annual = sum(v[0] for v in lines.values() if v[1] == "staffing")
    if sleep_in_annual > staffing_annual:
        return []
    keep = 1 - sleep_in_annual / staffing_annual if staffing_annual else 1.0

    refs = {
        f: _ref(row)
        for f in (
            "sleep_ins_per_week",
            "sleep_in_payment_per_night",
            "waking_nights_per_week",
            "waking_night_hours_per_night",
        )
        if (row := _single(values, f)) is not None
    }
    hourly: dict = {}
    for cost_line, (amount, category, group, line_refs) in lines.items():
        if category == "staffing" and keep != 1.0:
            note = f"x (1 - sleep-in share {1 - keep:.2%})"
            hourly[cost_line] = [amount * keep, category, group, [*line_refs, note]]
        else:
            hourly[cost_line] = [amount, category, group, line_refs]
    units = day_units + (waking * waking_length * weeks if waking else 0.0)
    unit_ref = day_ref
    if waking:
        unit_ref += (
            f" + waking nights {refs.get('waking_nights_per_week', '')} x "
            f"{refs.get('waking_night_hours_per_night', '')} hours"
        )
    routes = [("reported_nights_apart", UNITS["supported_living"], hourly, units, unit_ref)]
    if sleep_ins:
        line = [
            sleep_in_annual,
            "staffing",
            "Staffing",
            [
                f"{refs.get('sleep_in_payment_per_night', '')} x (1 + on-costs "
                f"{on_cost_rate:.2%}: staffing table NI and pension / gross pay)"
            ],
        ]
        routes.append(
            (
                "reported_sleep_in",
                "sleep_in_night",
                {"Sleep-in pay and on-costs": line},
                sleep_ins * weeks,
                f"sleep-ins {refs.get('sleep_ins_per_week', '')}",
            )
        )
    return routes


def reported_unit_cost(
    values: pd.DataFrame,
    *,
    standard_occupancy: float | None = None,
) -> pd.DataFrame:
    """Reported cost per unit for every return in a tidy values table, line by line.

    Parameters
    ----------
    values : pandas.DataFrame
        Tidy values from ingest (see the module docstring for the columns used).
    standard_occupancy : float, optional
        For care homes, also restate each home's costs at this occupancy (e.g. 0.95): route
        ``reported_standard_occupancy``. All lines are treated as fixed for the year.

    Returns
    -------
    pandas.DataFrame
        :data:`costofcare.costs.modelled.TIDY_COLUMNS` plus ``return_id``; ``source`` lists
        the cells each line was read from and the units it was divided by.

    Raises
    ------
    UserError
        A return whose unit cost cannot be worked out (no units to divide by, no period);
        :func:`reported_unit_cost_with_issues` leaves it out and reports it instead.
    """
    _check_occupancy(standard_occupancy)
    rows: list[dict] = []
    for _, group in _by_return(values):
        rows.extend(_one_return(group, standard_occupancy))
    return pd.DataFrame(rows, columns=[*TIDY_COLUMNS, "return_id"])


def reported_unit_cost_with_issues(
    values: pd.DataFrame,
    *,
    standard_occupancy: float | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`reported_unit_cost` for a batch: returns that cannot be costed are reported.

    Returns
    -------
    unit_costs : pandas.DataFrame
        As :func:`reported_unit_cost`, for every return that could be costed.
    issues : pandas.DataFrame
        :data:`~costofcare.ingest.issues.ISSUE_COLUMNS`: one ``unit_cost_not_computed`` row
        per return left out (no units to divide by, no period), naming its file.
    """
    from ..ingest.batch import issues_frame
    from ..ingest.issues import Issue

    _check_occupancy(standard_occupancy)
    rows: list[dict] = []
    issues: list[Issue] = []
    for return_id, group in _by_return(values):
        try:
            rows.extend(_one_return(group, standard_occupancy))
        except UserError as exc:
            first = group.iloc[0]
            issues.append(
                Issue(
                    "unit_cost_not_computed",
                    f"left out of unit costs: {exc}",
                    file=str(first.get("file", "")),
                    return_id=str(return_id),
                    provider=str(first["provider"]),
                )
            )
    return pd.DataFrame(rows, columns=[*TIDY_COLUMNS, "return_id"]), issues_frame(issues)


def _check_occupancy(standard_occupancy: float | None) -> None:
    if standard_occupancy is not None and not 0 < standard_occupancy <= 1:
        raise UserError(
            f"standard occupancy must be above 0 and at most 1; got {standard_occupancy}"
        )


def _by_return(values: pd.DataFrame):
    """(return_id, values) for each return, with blank ``table`` and ``text`` as ""."""
    if values.empty:
        return iter(())
    v = values.copy()
    v["table"] = v["table"].fillna("").astype(str)
    v["text"] = v["text"].fillna("").astype(str)
    return v.groupby("return_id", sort=False)
