"""Bottom-up (modelled) unit costs: a price built line by line from drivers.

Two layers:

* **Array cores** — :func:`home_care_cost_arrays` (also used for supported living) and
  :func:`care_home_cost_arrays` take numbers or numpy arrays that broadcast together (one
  value per provider, per Monte Carlo draw, or both) and return ``{line_id: ndarray}`` in £
  per unit. No pandas, no I/O, no parameter look-ups: the scenario engine calls these
  directly for many providers and draws at once.
* **Tidy table** — :func:`modelled_unit_cost` takes a DataFrame of drivers (one row per
  provider, already resolved by :func:`costofcare.costs.drivers.resolve_frame`), calls the
  core once for all rows and returns one row per provider and cost line.

Conventions (see ``docs/costs.md``): pay-related rates (holiday, sick pay, training, employer
NI and pension) are fractions of *pay for time worked* (contact or support time, travel and
other non-contact time). Lines are kept unrounded; totals are sums of unrounded lines.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from ..errors import UserError
from ..money import WEEKS_PER_YEAR
from ..tables import UNIT_COSTS
from ..tables.catalogue import CARE_COLUMNS
from .lines import (
    CARE_HOME_NON_STAFFING_LINES,
    CARE_HOME_RETURN_LINES,
    CARE_HOME_STAFF_LINES,
    HOME_CARE_LINES,
    UNITS,
    Line,
)

__all__ = [
    "OVERHEADS_BASES",
    "home_care_cost_arrays",
    "care_home_cost_arrays",
    "overheads_and_surplus",
    "modelled_unit_cost",
    "TIDY_COLUMNS",
]

OVERHEADS_BASES = ("share_of_price", "markup_on_cost")

#: Columns of every unit cost table, modelled or reported (the table is declared once, as
#: :data:`costofcare.tables.UNIT_COSTS`; ``return_id`` is added where a return is known).
#: (the care home market columns are the reported route's: a return's registration type)
TIDY_COLUMNS = [c for c in UNIT_COSTS.names if c not in ("return_id", *CARE_COLUMNS)]


def _f(x: ArrayLike) -> NDArray[np.float64]:
    return np.asarray(x, dtype=np.float64)


def _share_of_price_mask(basis: ArrayLike) -> NDArray[np.bool_]:
    b = np.asarray(basis)
    bad = ~np.isin(b, OVERHEADS_BASES)
    if np.any(bad):
        wrong = sorted(set(np.atleast_1d(b)[np.atleast_1d(bad)].tolist()))
        raise UserError(
            f"overheads_basis must be one of {', '.join(OVERHEADS_BASES)}; got {', '.join(wrong)}"
        )
    return b == "share_of_price"


def overheads_and_surplus(
    cost_before: ArrayLike,
    *,
    overheads_rate: ArrayLike = 0.0,
    overheads_per_unit: ArrayLike = 0.0,
    surplus_rate: ArrayLike = 0.0,
    surplus_per_unit: ArrayLike = 0.0,
    basis: ArrayLike = "share_of_price",
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Overheads and surplus on top of the costs before them, under either convention.

    ``share_of_price`` (the 2014 Homecare Association build-up): the rates are shares of the
    final price ``P``, so ``P = (C + O£ + S£) / (1 - o - s)``, overheads ``O£ + o P`` and
    surplus ``S£ + s P``.

    ``markup_on_cost`` (the 2020-21 build-up): overheads ``O£ + o C`` are a mark-up on the
    costs before them, and surplus ``S£ + s (C + overheads)`` a mark-up on total cost.

    Returns
    -------
    (overheads, surplus) : tuple of numpy.ndarray
        £ per unit.
    """
    c = _f(cost_before)
    o, of, s, sf = (
        _f(overheads_rate),
        _f(overheads_per_unit),
        _f(surplus_rate),
        _f(surplus_per_unit),
    )
    share = _share_of_price_mask(basis)
    if np.any(share & (o + s >= 1.0)):
        raise UserError(
            "overheads_rate + surplus_rate must be below 1 when they are shares of price "
            f"(overheads_basis = share_of_price); got {np.max(o + s):.4g}"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        price = (c + of + sf) / np.where(share, 1.0 - o - s, 1.0)
    overheads = np.where(share, of + o * price, of + o * c)
    surplus = np.where(share, sf + s * price, sf + s * (c + overheads))
    return overheads, surplus


def home_care_cost_arrays(
    *,
    pay_rate_per_hour: ArrayLike,
    travel_minutes_per_contact_hour: ArrayLike = 0.0,
    non_contact_minutes_per_contact_hour: ArrayLike = 0.0,
    holiday_rate: ArrayLike = 0.0,
    sick_pay_rate: ArrayLike = 0.0,
    training_rate: ArrayLike = 0.0,
    employer_ni_rate_of_pay: ArrayLike = 0.0,
    employer_pension_rate_of_pay: ArrayLike = 0.0,
    miles_per_contact_hour: ArrayLike = 0.0,
    mileage_rate_per_mile: ArrayLike = 0.0,
    ppe_per_contact_hour: ArrayLike = 0.0,
    business_costs_per_contact_hour: Mapping[str, ArrayLike] | None = None,
    overheads_rate: ArrayLike = 0.0,
    overheads_per_unit: ArrayLike = 0.0,
    surplus_rate: ArrayLike = 0.0,
    surplus_per_unit: ArrayLike = 0.0,
    overheads_basis: ArrayLike = "share_of_price",
) -> dict[str, NDArray[np.float64]]:
    """Home care (and supported living) cost per contact hour, line by line.

    With ``r`` the pay rate and ``t``, ``n`` the travel and other non-contact minutes per
    contact hour, pay for time worked is ``W = r (1 + t/60 + n/60)`` and::

        contact_pay      = r
        travel_time_pay  = r t / 60
        non_contact_pay  = r n / 60
        training_pay     = training_rate * W
        holiday_pay      = holiday_rate * W
        sick_pay         = sick_pay_rate * W
        employer_ni      = employer_ni_rate_of_pay * W
        employer_pension = employer_pension_rate_of_pay * W
        mileage          = miles_per_contact_hour * mileage_rate_per_mile
        ppe              = ppe_per_contact_hour
        <business lines> = as given, £ per contact hour
        overheads, surplus: see :func:`overheads_and_surplus`

    For per-worker NI and pension, pass the shares of total pay from
    :func:`costofcare.costs.oncosts.effective_oncost_rates` multiplied by
    ``1 + holiday_rate + sick_pay_rate + training_rate`` (all pay is NI-able).

    All arguments broadcast; the result maps each line id (see
    :data:`costofcare.costs.lines.HOME_CARE_LINES`, plus the business line ids given) to
    an array of £ per contact hour.
    """
    r = _f(pay_rate_per_hour)
    contact = r * 1.0
    travel = r * _f(travel_minutes_per_contact_hour) / 60.0
    non_contact = r * _f(non_contact_minutes_per_contact_hour) / 60.0
    time_pay = contact + travel + non_contact
    out: dict[str, NDArray[np.float64]] = {
        "contact_pay": contact,
        "travel_time_pay": travel,
        "non_contact_pay": non_contact,
        "training_pay": _f(training_rate) * time_pay,
        "holiday_pay": _f(holiday_rate) * time_pay,
        "sick_pay": _f(sick_pay_rate) * time_pay,
        "employer_ni": _f(employer_ni_rate_of_pay) * time_pay,
        "employer_pension": _f(employer_pension_rate_of_pay) * time_pay,
        "mileage": _f(miles_per_contact_hour) * _f(mileage_rate_per_mile),
        "ppe": _f(ppe_per_contact_hour) * 1.0,
    }
    for line_id, value in (business_costs_per_contact_hour or {}).items():
        if line_id in out or line_id in ("overheads", "surplus"):
            raise UserError(f"business cost line '{line_id}' clashes with a built-in line")
        out[line_id] = _f(value) * 1.0
    cost_before = sum(out.values())
    out["overheads"], out["surplus"] = overheads_and_surplus(
        cost_before,
        overheads_rate=overheads_rate,
        overheads_per_unit=overheads_per_unit,
        surplus_rate=surplus_rate,
        surplus_per_unit=surplus_per_unit,
        basis=overheads_basis,
    )
    shape = np.broadcast_shapes(*(np.shape(v) for v in out.values()))
    return {k: np.broadcast_to(v, shape) for k, v in out.items()}


def care_home_cost_arrays(
    *,
    beds: ArrayLike,
    occupancy: ArrayLike,
    staff_rate_per_hour: Mapping[str, ArrayLike],
    staff_hours_per_week: Mapping[str, ArrayLike] | None = None,
    staff_hours_per_resident_week: Mapping[str, ArrayLike] | None = None,
    holiday_rate: ArrayLike = 0.0,
    sick_pay_rate: ArrayLike = 0.0,
    training_rate: ArrayLike = 0.0,
    employer_ni_rate_of_pay: ArrayLike = 0.0,
    employer_pension_rate_of_pay: ArrayLike = 0.0,
    non_staffing_annual: Mapping[str, ArrayLike] | None = None,
    non_staffing_per_resident_week: Mapping[str, ArrayLike] | None = None,
    return_on_operations_rate: ArrayLike = 0.0,
    return_on_operations_basis: ArrayLike = "markup_on_cost",
    freehold_value_per_bed: ArrayLike = 0.0,
    return_on_capital_rate: ArrayLike = 0.0,
    weeks_per_year: ArrayLike = WEEKS_PER_YEAR,
) -> dict[str, NDArray[np.float64]]:
    """Care home cost per occupied resident week, line by line.

    Residents ``R = beds * occupancy``. For each staff line (role) with hourly pay ``r``,
    fixed rota hours ``H`` a week and ``h`` hours per resident a week, the weekly cost with
    on-costs is ``(H + h R) r (1 + holiday + sick + training + ni + pension)`` and the line is
    that divided by ``R``: on-costs sit inside each role's line, as in the Annex B returns.
    Non-staffing lines are ``annual / (R * weeks_per_year)`` plus any amounts already per
    resident week. Return on operations is ``rate * costs`` (mark-up) or a share of price
    excluding the return on capital; return on capital is
    ``freehold_value_per_bed * beds * return_on_capital_rate / (weeks_per_year * R)``.

    Fixed hours and annual costs are spread over occupied beds, so a lower occupancy raises
    the cost per resident week.
    """
    beds_a, occ = _f(beds), _f(occupancy)
    if np.any(occ <= 0) or np.any(beds_a <= 0):
        raise UserError("beds and occupancy must be above zero for a cost per resident week")
    residents = beds_a * occ
    weeks = _f(weeks_per_year)
    oncost_factor = 1.0 + sum(
        _f(x)
        for x in (
            holiday_rate,
            sick_pay_rate,
            training_rate,
            employer_ni_rate_of_pay,
            employer_pension_rate_of_pay,
        )
    )
    fixed = dict(staff_hours_per_week or {})
    variable = dict(staff_hours_per_resident_week or {})
    out: dict[str, NDArray[np.float64]] = {}
    for line_id in dict.fromkeys([*fixed, *variable]):
        if line_id not in staff_rate_per_hour:
            raise UserError(f"staff line '{line_id}' has hours but no pay_rate_per_hour")
        hours = _f(fixed.get(line_id, 0.0)) + _f(variable.get(line_id, 0.0)) * residents
        out[line_id] = hours * _f(staff_rate_per_hour[line_id]) * oncost_factor / residents
    for line_id, annual in (non_staffing_annual or {}).items():
        out[line_id] = out.get(line_id, 0.0) + _f(annual) / (residents * weeks)
    for line_id, weekly in (non_staffing_per_resident_week or {}).items():
        out[line_id] = out.get(line_id, 0.0) + _f(weekly)
    cost_before = sum(out.values()) if out else _f(0.0)
    out["return_on_operations"], _ = overheads_and_surplus(
        cost_before, overheads_rate=return_on_operations_rate, basis=return_on_operations_basis
    )
    out["return_on_capital"] = (
        _f(freehold_value_per_bed) * beds_a * _f(return_on_capital_rate) / (weeks * residents)
    )
    shape = np.broadcast_shapes(*(np.shape(v) for v in out.values()))
    return {k: np.broadcast_to(_f(v), shape) for k, v in out.items()}


# --------------------------------------------------------------------------- tidy table


def _line_meta(service: str, extra: Mapping[str, Line]) -> dict[str, Line]:
    if service == "care_home":
        base = CARE_HOME_STAFF_LINES + CARE_HOME_NON_STAFFING_LINES + CARE_HOME_RETURN_LINES
    else:
        base = HOME_CARE_LINES
    meta = {line.id: line for line in base}
    meta.update(extra)
    return meta


def _business_line(line_id: str, service: str) -> Line:
    label = line_id.replace("_", " ").capitalize()
    if service == "care_home":
        return Line(line_id, label, "non_staffing", "Other")
    return Line(line_id, label, "non_staffing", "Business costs")


def _dict_column(drivers: pd.DataFrame, name: str) -> dict[str, NDArray[np.float64]]:
    """A column whose cells are ``{line: value}`` dicts -> ``{line: array over rows}``."""
    if name not in drivers:
        return {}
    cells = [c if isinstance(c, Mapping) else {} for c in drivers[name]]
    keys = list(dict.fromkeys(k for c in cells for k in c))
    return {k: np.array([float(c.get(k, 0.0)) for c in cells]) for k in keys}


def _col(drivers: pd.DataFrame, name: str, default: object = 0.0) -> np.ndarray:
    if name in drivers:
        return drivers[name].to_numpy()
    return np.full(len(drivers), default, dtype=object if isinstance(default, str) else float)


#: on-cost rates of pay, the same column and core argument for every service
_COMMON_ARGS = (
    "holiday_rate",
    "sick_pay_rate",
    "training_rate",
    "employer_ni_rate_of_pay",
    "employer_pension_rate_of_pay",
)
#: care home core argument <- drivers column, taken as it is (the core makes it a float array)
_CARE_HOME_ARGS = {
    "return_on_operations_rate": "return_on_operations_rate",
    "freehold_value_per_bed": "freehold_value_per_bed",
    "return_on_capital_rate": "return_on_capital_rate",
}
#: core arguments given per line, from drivers columns of ``{line: value}`` cells
_CARE_HOME_BY_LINE_ARGS = (
    "staff_rate_per_hour",
    "staff_hours_per_week",
    "staff_hours_per_resident_week",
    "non_staffing_annual",
    "non_staffing_per_resident_week",
)
#: home care (and supported living) core argument <- drivers column
_HOURLY_ARGS = {
    "travel_minutes_per_contact_hour": "travel_minutes_per_contact_hour",
    "non_contact_minutes_per_contact_hour": "non_contact_minutes_per_contact_hour",
    "miles_per_contact_hour": "miles_per_contact_hour",
    "mileage_rate_per_mile": "mileage_rate_per_mile",
    "ppe_per_contact_hour": "ppe_per_unit",
    "overheads_rate": "overheads_rate",
    "overheads_per_unit": "overheads_per_unit",
    "surplus_rate": "surplus_rate",
    "surplus_per_unit": "surplus_per_unit",
}


def _care_home_arrays(
    drivers: pd.DataFrame, service: str
) -> tuple[dict[str, NDArray[np.float64]], dict[str, Line]]:
    """The care home core over every row, and the lines it gave that are not built in."""
    arrays = care_home_cost_arrays(
        beds=_col(drivers, "beds").astype(float),
        occupancy=_col(drivers, "occupancy").astype(float),
        **{name: _dict_column(drivers, name) for name in _CARE_HOME_BY_LINE_ARGS},
        **{arg: _col(drivers, column) for arg, column in _CARE_HOME_ARGS.items()},
        return_on_operations_basis=_col(drivers, "overheads_basis", "markup_on_cost"),
        weeks_per_year=_col(drivers, "weeks_per_year", WEEKS_PER_YEAR).astype(float),
        **{name: _col(drivers, name) for name in _COMMON_ARGS},
    )
    known = _line_meta(service, {})
    return arrays, {k: _business_line(k, service) for k in arrays if k not in known}


def _hourly_arrays(
    drivers: pd.DataFrame, service: str
) -> tuple[dict[str, NDArray[np.float64]], dict[str, Line]]:
    """The home care core over every row (also supported living), and its business lines."""
    business = _dict_column(drivers, "business_costs_per_unit")
    arrays = home_care_cost_arrays(
        pay_rate_per_hour=_col(drivers, "pay_rate_per_hour").astype(float),
        business_costs_per_contact_hour=business,
        overheads_basis=_col(drivers, "overheads_basis", "share_of_price"),
        **{arg: _col(drivers, column) for arg, column in _HOURLY_ARGS.items()},
        **{name: _col(drivers, name) for name in _COMMON_ARGS},
    )
    return arrays, {k: _business_line(k, service) for k in business}


#: the array core of each service, over a drivers table
_SERVICE_ARRAYS = {
    "care_home": _care_home_arrays,
    "home_care": _hourly_arrays,
    "supported_living": _hourly_arrays,
}


def _line_values(
    arrays: Mapping[str, NDArray[np.float64]], order: list[str], providers: pd.Series
) -> NDArray[np.float64]:
    """£ per unit, one row per provider and one column per line; a NaN line is refused."""
    values = np.column_stack([np.asarray(arrays[k], dtype=float) for k in order])
    if np.isnan(values).any():
        rows, cols = np.nonzero(np.isnan(values))
        raise UserError(
            f"modelled cost line '{order[cols[0]]}' is not a number for provider "
            f"'{providers.iloc[rows[0]]}': check its drivers"
        )
    return values


def _tidy(
    drivers: pd.DataFrame,
    service: str,
    values: NDArray[np.float64],
    order: list[str],
    meta: Mapping[str, Line],
) -> pd.DataFrame:
    """The unit cost table: one row per provider and line, with each line's share."""
    totals = values.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(totals != 0, values / totals, 0.0)
    n_rows, n_lines = values.shape
    sources = _SOURCES.get(service, {})

    def per_row(column: NDArray) -> NDArray:
        return np.repeat(column, n_lines)

    def per_line(items: list) -> NDArray:
        return np.tile(items, n_rows)

    frame = pd.DataFrame(
        {
            "provider": per_row(drivers["provider"].astype(str).to_numpy()),
            "service": service,
            "route": "modelled",
            "period_start": per_row(_col(drivers, "period_start", "").astype(str)),
            "period_end": per_row(_col(drivers, "period_end", "").astype(str)),
            "unit": UNITS[service],
            "line": per_line(order),
            "cost_line": per_line([meta[k].cost_line for k in order]),
            "category": per_line([meta[k].category for k in order]),
            "group": per_line([meta[k].group for k in order]),
            "cost_per_unit": values.ravel(),
            "share_of_total": shares.ravel(),
            "source": per_line([sources.get(k, "drivers: " + k) for k in order]),
        }
    )
    return frame[TIDY_COLUMNS]


def modelled_unit_cost(drivers: pd.DataFrame, service: str) -> pd.DataFrame:
    """Modelled cost per unit for every provider row of resolved drivers, one row per line.

    Parameters
    ----------
    drivers : pandas.DataFrame
        One row per provider with resolved driver columns (see
        :func:`costofcare.costs.drivers.resolve_frame`), including ``provider``,
        ``period_start``, ``period_end``, the ``*_rate_of_pay`` on-cost shares, and for care
        homes the ``{line: value}`` dict columns ``staff_rate_per_hour``,
        ``staff_hours_per_week``, ``staff_hours_per_resident_week``, ``non_staffing_annual``,
        ``non_staffing_per_resident_week``.
    service : str
        ``"home_care"``, ``"care_home"`` or ``"supported_living"``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TIDY_COLUMNS`, ``route == "modelled"``; ``source`` names the drivers
        each line was built from.
    """
    if service not in UNITS:
        raise UserError(f"unknown service '{service}'; use one of {', '.join(UNITS)}")
    if drivers.empty:
        return pd.DataFrame(columns=TIDY_COLUMNS)
    arrays, extra_meta = _SERVICE_ARRAYS[service](drivers, service)
    meta = _line_meta(service, extra_meta)
    order = [k for k in meta if k in arrays]
    values = _line_values(arrays, order, drivers["provider"])
    return _tidy(drivers, service, values, order, meta)


_HC_SOURCES = {
    "contact_pay": "drivers: pay_rate_per_hour",
    "travel_time_pay": "drivers: pay_rate_per_hour x travel_minutes_per_contact_hour / 60",
    "non_contact_pay": "drivers: pay_rate_per_hour x non_contact_minutes_per_contact_hour / 60",
    "training_pay": "drivers: training_rate x pay for time worked",
    "holiday_pay": "drivers: holiday_rate x pay for time worked",
    "sick_pay": "drivers: sick_pay_rate x pay for time worked",
    "employer_ni": "drivers: employer_ni_rate_of_pay x pay for time worked",
    "employer_pension": "drivers: employer_pension_rate_of_pay x pay for time worked",
    "mileage": "drivers: miles_per_contact_hour x mileage_rate_per_mile",
    "ppe": "drivers: ppe_per_unit",
    "overheads": "drivers: overheads_rate / overheads_per_unit (overheads_basis)",
    "surplus": "drivers: surplus_rate / surplus_per_unit (overheads_basis)",
}
_SOURCES = {
    "home_care": _HC_SOURCES,
    "supported_living": _HC_SOURCES,
    "care_home": {
        "return_on_operations": "drivers: return_on_operations_rate (overheads_basis)",
        "return_on_capital": "drivers: freehold_value_per_bed x return_on_capital_rate",
    },
}
