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
  :mod:`costofcare.costs.nights`;
* care homes: occupied resident weeks ``registered_beds x average_occupancy x weeks``, and
  also, when ``standard_occupancy`` is given, ``registered_beds x standard_occupancy x weeks``
  so that an under-occupied home does not inflate the benchmark (route
  ``reported_standard_occupancy``).

Each care home row carries the return's ``care_category`` (residential, nursing or dual) and
``enhanced_care`` flag, derived by the rule in :mod:`costofcare.costs.carecategory`.

Each line's ``source`` lists the cells it was read from. The values table is split into
returns once (:func:`costofcare.costs.returnvalues.split_returns`), so each return's fields
are looked up by name rather than filtered out of the whole table.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import UserError
from ..tables.catalogue import CARE_COLUMNS
from .annual import AnnualCosts, Route
from .carecategory import CareCategory, care_category
from .lines import UNITS
from .modelled import TIDY_COLUMNS
from .nights import nights_apart_routes
from .returnvalues import ReturnValues, split_returns

__all__ = ["reported_unit_cost", "reported_unit_cost_with_issues", "UNIT_FIELDS"]

#: field giving the weekly units of each service (care homes use beds x occupancy)
UNIT_FIELDS = {
    "home_care": "contact_hours_per_week",
    "supported_living": "support_hours_per_week",
}
#: fields multiplied together to give each service's units a week
UNITS_PER_WEEK = {
    **{service: (name,) for service, name in UNIT_FIELDS.items()},
    "care_home": ("registered_beds", "average_occupancy"),
}
#: amounts of a staffing table row, each added to the row's cost line
STAFF_AMOUNTS = (
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
RETURN_LINE = "Return on operations"


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


def _spec(service: str, version: str | None):
    from ..templates.spec import get_spec

    return get_spec(service, version or None)


@dataclass(frozen=True)
class _Period:
    start: dt.date
    end: dt.date
    #: days in the period (both ends counted) / 7
    weeks: float


def _period(values: ReturnValues) -> _Period:
    """The return's period; weeks are days (both ends counted) / 7."""
    start = values.date("period_start")
    end = values.date("period_end")
    days = (end - start).days + 1
    if days <= 0:
        raise UserError(
            f"return {values.return_id}: period_end {end} is before period_start {start}"
        )
    return _Period(start, end, days / 7.0)


def _denominators(
    values: ReturnValues, weeks: float, standard_occupancy: float | None
) -> list[tuple[str, float, str]]:
    """(route, units in the period, where they came from) for each route of the return."""
    service = str(values.service)
    units = 1.0
    for name in UNITS_PER_WEEK[service]:
        units *= values.number(name)
    refs = [
        found.ref for name in UNITS_PER_WEEK[service] if (found := values.single(name)) is not None
    ]
    out = [("reported", units * weeks, "; ".join(refs))]
    if service == "care_home" and standard_occupancy is not None:
        beds = values.number("registered_beds")
        out.append(
            (
                "reported_standard_occupancy",
                beds * standard_occupancy * weeks,
                f"{'; '.join(refs[:1])}; standard occupancy {standard_occupancy:g}",
            )
        )
    return out


def _single_field_lines(values: ReturnValues, spec, lines: AnnualCosts) -> None:
    """The cost lines the template gives as single fields (each field names its line)."""
    for f in spec.fields():
        if f.category is None or f.cost_line is None:
            continue
        found = values.single(f.id)
        if found is not None:
            group = getattr(f, "cost_group", "") or ""
            lines.add(f.cost_line, f.category, group, float(found.value), found.ref)


def _staff_lines(values: ReturnValues, role_field, lines: AnnualCosts) -> None:
    """Each staffing table row's amounts under its role's line (front-line NI and pension
    apart, see :data:`FRONT_LINE_ONCOSTS`)."""
    for row in values.rows("staff_roles"):
        role = row.get("role")
        cost_line = role_field.cost_line_for("" if role is None else role.text)
        cost_line = cost_line or "Other staffing"
        split = FRONT_LINE_ONCOSTS.get((str(values.service), cost_line), {})
        for amount_field in STAFF_AMOUNTS:
            found = row.get(amount_field)
            if found is not None:
                line = split.get(amount_field, cost_line)
                lines.add(line, "staffing", "Staffing", float(found.value), found.ref)


def _other_cost_lines(values: ReturnValues, lines: AnnualCosts) -> None:
    """Each other-costs row under ``Other <cost group>``."""
    from ..templates.spec import COST_GROUP_CATEGORY

    for row in values.rows("other_costs"):
        amount = row.get("annual_cost")
        if amount is None:
            continue
        group = "" if (g := row.get("cost_group")) is None else g.text
        category = COST_GROUP_CATEGORY.get(group, "non_staffing")
        label = f"Other {group.lower() or 'costs'}"
        lines.add(label, category, group, float(amount.value), amount.ref)


def _return_on_operations(values: ReturnValues, lines: AnnualCosts) -> None:
    """A return on operations stated only as a rate: rate x costs before the return."""
    if RETURN_LINE in lines and lines[RETURN_LINE].category == "return":
        return
    rate = values.number("return_on_operations_rate")
    if np.isfinite(rate) and rate > 0:
        ref = values.single("return_on_operations_rate").ref
        cost = lines.total_except("return")
        lines.add(RETURN_LINE, "return", "Return", rate * cost, f"{ref} x costs before the return")


def _annual_lines(values: ReturnValues, spec) -> AnnualCosts:
    """Every annual cost the return reports, line by line, in the template's order."""
    lines = AnnualCosts()
    _single_field_lines(values, spec, lines)
    tables = {t.id: t for t in spec.tables()}
    if "staff_roles" in tables:
        role_field = next(c for c in tables["staff_roles"].columns if c.id == "role")
        _staff_lines(values, role_field, lines)
    if "other_costs" in tables:
        _other_cost_lines(values, lines)
    _return_on_operations(values, lines)
    return lines


def _routes(
    values: ReturnValues, lines: AnnualCosts, weeks: float, standard_occupancy: float | None
) -> list[Route]:
    """Every route of the return; UserError when a reported route has no units."""
    service = str(values.service)
    denominators = _denominators(values, weeks, standard_occupancy)
    routes = []
    for route, units, unit_ref in denominators:
        if not np.isfinite(units) or units <= 0:
            raise UserError(
                f"return {values.return_id} ({values.provider}): no units to divide by "
                f"({UNITS[service].replace('_', ' ')}s from {unit_ref or 'missing fields'})"
            )
        routes.append(Route(route, UNITS[service], lines, units, unit_ref))
    if service == "supported_living":
        _, day_units, day_ref = denominators[0]
        routes += nights_apart_routes(values, lines, day_units, day_ref, weeks)
    return routes


def _rows(
    values: ReturnValues, period: _Period, route: Route, total_annual: float, care: CareCategory
) -> list:
    """One unit cost row per line of ``route``, each carrying the return's care category."""
    return [
        {
            "provider": str(values.provider),
            "return_id": str(values.return_id),
            "service": str(values.service),
            "route": route.route,
            "period_start": period.start.isoformat(),
            "period_end": period.end.isoformat(),
            "unit": route.unit,
            "line": _slug(cost_line),
            "cost_line": cost_line,
            "category": line.category,
            "group": line.group,
            "cost_per_unit": line.annual / route.units,
            "share_of_total": line.annual / total_annual if total_annual else 0.0,
            "source": f"{'; '.join(line.refs)} / units ({route.unit_ref}; "
            f"{period.weeks:.3f} weeks)",
            "care_category": care.category,
            "enhanced_care": care.enhanced,
        }
        for cost_line, line in route.lines.items()
    ]


def _one_return(values: ReturnValues, standard_occupancy: float | None) -> list[dict]:
    """The unit cost rows of one return, every route and line."""
    spec = _spec(str(values.service), str(values.template_version) or None)
    period = _period(values)
    lines = _annual_lines(values, spec)
    total_annual = lines.total()
    care = care_category(values)
    return [
        row
        for route in _routes(values, lines, period.weeks, standard_occupancy)
        for row in _rows(values, period, route, total_annual, care)
    ]


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
        :data:`costofcare.costs.modelled.TIDY_COLUMNS` plus ``care_category``,
        ``enhanced_care`` and ``return_id``; ``source`` lists
        the cells each line was read from and the units it was divided by.

    Raises
    ------
    UserError
        A return whose unit cost cannot be worked out (no units to divide by, no period);
        :func:`reported_unit_cost_with_issues` leaves it out and reports it instead.
    """
    _check_occupancy(standard_occupancy)
    rows: list[dict] = []
    for one in split_returns(values):
        rows.extend(_one_return(one, standard_occupancy))
    return pd.DataFrame(rows, columns=[*TIDY_COLUMNS, *CARE_COLUMNS, "return_id"])


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
    for one in split_returns(values):
        try:
            rows.extend(_one_return(one, standard_occupancy))
        except UserError as exc:
            issues.append(
                Issue(
                    "unit_cost_not_computed",
                    f"left out of unit costs: {exc}",
                    file=str(one.file),
                    return_id=str(one.return_id),
                    provider=str(one.provider),
                )
            )
    return pd.DataFrame(rows, columns=[*TIDY_COLUMNS, *CARE_COLUMNS, "return_id"]), issues_frame(
        issues
    )


def _check_occupancy(standard_occupancy: float | None) -> None:
    if standard_occupancy is not None and not 0 < standard_occupancy <= 1:
        raise UserError(
            f"standard occupancy must be above 0 and at most 1; got {standard_occupancy}"
        )
