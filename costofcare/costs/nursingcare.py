"""NHS-funded nursing care (FNC): the part of a nursing home's cost the NHS pays, not the council.

The NHS pays a standard weekly rate (dated parameter ``nhs_funded_nursing_care_weekly``) for
each eligible resident straight to the home, so the council's nursing rate, like the 2022 Fair
Cost of Care Annex B's nursing figures, is the home's cost per resident week *excluding* it.
The return reports the cost of its nurses in full, so for each care home return and route:

* ``nursing_share`` = nursing residents (standard + enhanced needs) ÷ residents counted by type
  of care; a residential home is 0 (FNC is paid only in homes registered for nursing); a
  return that gives no residents by type of care is 1 for a nursing home and unknown (NaN, no
  figure) for a dual-registered one;
* ``fnc_per_week`` = the FNC standard rate in force on the middle day of the return's period
  (``period_start + (period_end - period_start) // 2``: the costs are the period's);
* ``fnc_per_unit`` = ``fnc_per_week x nursing_share`` (every nursing resident is taken as
  eligible: the return does not split funders by type of care);
* ``cost_excluding_fnc_per_unit`` = total cost per resident week - ``fnc_per_unit``.

Nothing is rounded. A home with no nursing residents needs no FNC rate; one with nursing
residents whose period has no rate in the parameters is an error naming the return (supply the
rate as an override).
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from ..parameters.store import ParameterError
from ..tables.catalogue import NURSING_CARE
from .carecategory import residents
from .returnvalues import ReturnValues, split_returns

__all__ = ["FNC_PARAMETER", "FNC_COLUMNS", "costs_excluding_fnc", "nursing_share"]

FNC_PARAMETER = "nhs_funded_nursing_care_weekly"
NURSING_FIELDS = ("residents_nursing", "residents_nursing_enhanced")
RESIDENTIAL_FIELDS = ("residents_residential", "residents_residential_enhanced")
#: nursing share of a return that gives no residents by type of care, by care category
NO_COUNTS_SHARE = {"nursing": 1.0, "residential": 0.0}
#: columns of :func:`costs_excluding_fnc` (declared as the ``nursing_care`` table)
FNC_COLUMNS = list(NURSING_CARE.names)


def nursing_share(values: ReturnValues, care_category: str) -> float:
    """Share of the residents counted by type of care who receive nursing care (see the
    module docstring); NaN for a dual-registered home that gives no counts."""
    if care_category == "residential":
        return 0.0
    nursing = residents(values, NURSING_FIELDS)
    counted = nursing + residents(values, RESIDENTIAL_FIELDS)
    if counted > 0:
        return nursing / counted
    return NO_COUNTS_SHARE.get(care_category, math.nan)


def _midpoint(start: str, end: str) -> dt.date:
    first, last = dt.date.fromisoformat(str(start)[:10]), dt.date.fromisoformat(str(end)[:10])
    return first + (last - first) // 2


def _source(fnc, share: float, middle) -> str:
    if share != share:  # NaN: a dual home without residents by type of care
        return (
            "a dual-registered home that gives no residents by type of care: its nursing "
            "share is unknown, so the cost excluding NHS-funded nursing care is not worked out"
        )
    if fnc is None and not share:
        return "no nursing residents: nothing to take off"
    if fnc is None:
        return (
            f"no NHS-funded nursing care rate in the parameters on {middle.isoformat()}: "
            "not worked out (supply the rate as a parameter override)"
        )
    return (
        f"FNC £{fnc.value:.2f} a week from {fnc.effective_from} ({fnc.source_title}) "
        f"x nursing share {share:.4f}"
    )


def costs_excluding_fnc(unit_costs: pd.DataFrame, values: pd.DataFrame, params) -> pd.DataFrame:
    """Each care home return's total cost per resident week with and without FNC.

        Parameters
        ----------
        unit_costs : pandas.DataFrame
            Reported unit costs (:func:`costofcare.costs.reported_unit_cost`) with
            ``care_category``, ``return_id``, ``period_start`` and ``period_end``.
        values : pandas.DataFrame
            The tidy values the unit costs were worked out from (residents by type of care).
        params : costofcare.parameters.Parameters
            Dated parameters (``nhs_funded_nursing_care_weekly``).

        Returns
        -------
        pandas.DataFrame
            :data:`FNC_COLUMNS`, one row per care home return and route.

        A return with nursing residents whose period's middle day has no FNC rate in the
        parameters (shipped or supplied as overrides) gets NaN for the FNC and the cost excluding
        it, and its ``source`` says why (as for a dual home that gives no residents by type of
    care); :func:`fnc_not_worked_out` lists them as issues.
    """
    homes = unit_costs[unit_costs["service"] == "care_home"]
    by_return = {str(one.return_id): one for one in split_returns(values)}
    keys = ["provider", "service", "return_id", "route", "care_category"]
    totals = homes.groupby(keys, sort=False, dropna=False).agg(
        cost_per_unit=("cost_per_unit", "sum"),
        period_start=("period_start", "first"),
        period_end=("period_end", "first"),
    )
    rows = []
    for (provider, service, return_id, route, category), row in totals.iterrows():
        middle = _midpoint(row["period_start"], row["period_end"])
        share = nursing_share(by_return[str(return_id)], str(category))
        try:
            fnc = params.get(FNC_PARAMETER, middle)
        except ParameterError:
            fnc = None  # no nursing: nothing to take off; with nursing: no figure (NaN)
        rate = (0.0 if not share else float("nan")) if fnc is None else fnc.value
        per_unit = rate * share
        rows.append(
            {
                "provider": provider,
                "service": service,
                "return_id": return_id,
                "route": route,
                "care_category": category,
                "period_midpoint": middle.isoformat(),
                "fnc_per_week": rate,
                "nursing_share": share,
                "fnc_per_unit": per_unit,
                "cost_per_unit": row["cost_per_unit"],
                "cost_excluding_fnc_per_unit": row["cost_per_unit"] - per_unit,
                "source": _source(fnc, share, middle),
            }
        )
    return pd.DataFrame(rows, columns=FNC_COLUMNS)


def fnc_not_worked_out(table: pd.DataFrame | None) -> pd.DataFrame:
    """One ``fnc_not_worked_out`` issue row per return of :func:`costs_excluding_fnc` whose
    cost excluding FNC could not be worked out (no FNC rate on its period's middle day, or a
    dual home's unknown nursing share), with the reason."""
    from ..ingest.batch import issues_frame
    from ..ingest.issues import Issue

    if table is None:
        return issues_frame([])
    missing = table[table["cost_excluding_fnc_per_unit"].isna()]
    missing = missing.drop_duplicates(["return_id"])
    return issues_frame(
        [
            Issue(
                "fnc_not_worked_out",
                f"{row.provider}: {row.source}; the home is left out of the nursing market's "
                "statistics excluding NHS-funded nursing care",
                return_id=str(row.return_id),
                provider=str(row.provider),
            )
            for row in missing.itertuples()
        ]
    )
