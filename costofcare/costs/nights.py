"""Supported living with nights priced the way they are commissioned.

Route ``reported_nights_apart`` (£ per support hour): waking night hours are support hours
(``waking_nights_per_week x waking_night_hours_per_night x weeks`` added to the daytime
hours), and the cost of sleep-ins is taken out of the staffing lines (each scaled down by the
same share), to be paid per night instead.

Route ``reported_sleep_in`` (£ per sleep-in night): the pay for one sleep-in
(``sleep_in_payment_per_night``) plus employer on-costs at the return's own rate (employer
NI and pension over gross pay in its staffing table; none when the table gives no gross
pay). Only for returns with sleep-ins.

A return whose nights cannot be worked out (waking nights without their length, or sleep-ins
costing more than all its staffing) gets neither route; its ``reported`` route stands.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .annual import AnnualCosts, AnnualLine, Route
from .lines import UNITS
from .returnvalues import ReturnValues

__all__ = ["nights_apart_routes"]

#: nights a week, and the figure each kind of night needs before it can be priced
NIGHT_FIELDS = {
    "sleep_ins_per_week": "sleep_in_payment_per_night",
    "waking_nights_per_week": "waking_night_hours_per_night",
}
SLEEP_IN_LINE = "Sleep-in pay and on-costs"


def _positive(value: float) -> bool:
    return bool(np.isfinite(value) and value > 0)


@dataclass(frozen=True)
class _Nights:
    sleep_ins_per_week: float
    pay_per_sleep_in: float
    waking_per_week: float
    hours_per_waking_night: float
    refs: dict[str, str]


def _nights(values: ReturnValues) -> _Nights | None:
    """The return's nights a week (0 when none), or None when a kind of night it has cannot
    be priced (no pay per sleep-in, no length of a waking night)."""
    for count_field, needed in NIGHT_FIELDS.items():
        if _positive(values.number(count_field)) and not _positive(values.number(needed)):
            return None
    sleep_ins, waking = (values.number(f) for f in NIGHT_FIELDS)
    refs = {
        name: found.ref
        for pair in NIGHT_FIELDS.items()
        for name in pair
        if (found := values.single(name)) is not None
    }
    return _Nights(
        sleep_ins if _positive(sleep_ins) else 0.0,
        values.number("sleep_in_payment_per_night"),
        waking if _positive(waking) else 0.0,
        values.number("waking_night_hours_per_night"),
        refs,
    )


def _oncost_rate(values: ReturnValues) -> float:
    """Employer NI and pension over gross pay in the staffing table (0 without gross pay)."""
    totals = values.staff_totals
    gross = float(totals.get("annual_gross_pay", np.nan))
    on_costs = float(
        np.nansum(
            [totals.get("employer_ni_annual", 0.0), totals.get("employer_pension_annual", 0.0)]
        )
    )
    return on_costs / gross if np.isfinite(gross) and gross > 0 else 0.0


def _without_sleep_ins(lines: AnnualCosts, keep: float) -> AnnualCosts:
    """The lines with each staffing line scaled by ``keep`` (the share left after sleep-ins)."""
    hourly = AnnualCosts()
    for cost_line, line in lines.items():
        if line.category == "staffing" and keep != 1.0:
            note = f"x (1 - sleep-in share {1 - keep:.2%})"
            hourly[cost_line] = AnnualLine(
                line.annual * keep, line.category, line.group, [*line.refs, note]
            )
        else:
            hourly[cost_line] = line
    return hourly


def nights_apart_routes(
    values: ReturnValues, lines: AnnualCosts, day_units: float, day_ref: str, weeks: float
) -> list[Route]:
    """Routes ``reported_nights_apart`` and ``reported_sleep_in`` of a supported living return.

    Parameters
    ----------
    values : ReturnValues
        The return.
    lines : AnnualCosts
        Its annual cost lines (nights included, as reported).
    day_units, day_ref : float, str
        Support hours in the period and where they came from (the ``reported`` route).
    weeks : float
        Weeks in the period.

    Returns
    -------
    list of Route
        Empty when the nights cannot be worked out (see the module docstring).
    """
    nights = _nights(values)
    if nights is None:
        return []
    on_cost_rate = _oncost_rate(values)
    sleep_ins = nights.sleep_ins_per_week
    per_night = nights.pay_per_sleep_in * (1 + on_cost_rate) if sleep_ins else 0.0
    sleep_in_annual = sleep_ins * weeks * per_night
    staffing_annual = lines.total_of("staffing")
    if sleep_in_annual > staffing_annual:
        return []
    keep = 1 - sleep_in_annual / staffing_annual if staffing_annual else 1.0
    refs, waking = nights.refs, nights.waking_per_week
    units = day_units + (waking * nights.hours_per_waking_night * weeks if waking else 0.0)
    unit_ref = day_ref
    if waking:
        unit_ref += (
            f" + waking nights {refs.get('waking_nights_per_week', '')} x "
            f"{refs.get('waking_night_hours_per_night', '')} hours"
        )
    routes = [
        Route(
            "reported_nights_apart",
            UNITS["supported_living"],
            _without_sleep_ins(lines, keep),
            units,
            unit_ref,
        )
    ]
    if sleep_ins:
        source = (
            f"{refs.get('sleep_in_payment_per_night', '')} x (1 + on-costs "
            f"{on_cost_rate:.2%}: staffing table NI and pension / gross pay)"
        )
        sleep_in = AnnualCosts(
            {SLEEP_IN_LINE: AnnualLine(sleep_in_annual, "staffing", "Staffing", [source])}
        )
        routes.append(
            Route(
                "reported_sleep_in",
                "sleep_in_night",
                sleep_in,
                sleep_ins * weeks,
                f"sleep-ins {refs.get('sleep_ins_per_week', '')}",
            )
        )
    return routes
