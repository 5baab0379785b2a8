"""The council's medium-term profile against the funding it expects.

The profile (:data:`~costofcare.tables.catalogue.BUDGET_PROFILE`: option, service, year,
spend) comes from the decision pack's multi-year budget, or from :func:`simple_profile`
(rates × volumes × growth). :func:`funding_gap` sets each option's spend a year beside the
funding lines the council enters (:data:`~costofcare.tables.catalogue.FUNDING_LINES`): a
line with a blank service funds every service.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..money import WEEKS_PER_YEAR

__all__ = ["funding_gap", "simple_profile"]


def simple_profile(
    rates: Mapping[str, Mapping[str, float]],
    volumes_per_week: Mapping[str, float],
    first_year: int,
    years: int,
    volume_growth_per_year: float = 0.0,
    rate_uplift_per_year: float = 0.0,
) -> pd.DataFrame:
    """A profile of rates × volumes × growth, for each option and service.

    ``spend(y) = rate × (1 + rate_uplift) ** k × volume_per_week × (1 + growth) ** k ×
    365/7`` in the ``k``-th year after ``first_year`` (k = 0 in the first).

    Parameters
    ----------
    rates : option -> service -> rate (GBP per unit) in the first year.
    volumes_per_week : service -> units a week in the first year.
    first_year : the first financial year (2026 is 2026-27).
    years : how many years.

    Examples
    --------
    >>> p = simple_profile({"A": {"home_care": 20.0}}, {"home_care": 100.0}, 2026, 2, 0.1)
    >>> p["spend"].round(2).tolist()  # 20 × 100 × 365/7; then × 1.1
    [104285.71, 114714.29]
    """
    rows = []
    for option, by_service in rates.items():
        for service, rate in by_service.items():
            if service not in volumes_per_week:
                raise KeyError(f"option {option!r}: no volume for service {service!r}")
            for k in range(years):
                spend = (
                    float(rate)
                    * (1.0 + rate_uplift_per_year) ** k
                    * float(volumes_per_week[service])
                    * (1.0 + volume_growth_per_year) ** k
                    * WEEKS_PER_YEAR
                )
                rows.append(
                    {"option": option, "service": service, "year": first_year + k, "spend": spend}
                )
    return pd.DataFrame(rows, columns=["option", "service", "year", "spend"])


def funding_gap(profile: pd.DataFrame, funding: pd.DataFrame) -> pd.DataFrame:
    """Each option's spend a year against the funding for it.

    Spend is added up over the services the funding covers: a funding line with a service
    meets that service's spend; lines with a blank service meet the spend of every service
    no line names in that year. One row per option, year and funded scope.

    Returns
    -------
    DataFrame: ``option``, ``year``, ``service`` (blank: the services no line names),
    ``spend``, ``funding`` (GBP a year), ``gap`` (funding − spend; negative is a shortfall)
    and ``covered`` (funding ≥ spend).
    """
    lines = funding.assign(service=funding["service"].fillna(""))
    named = set(zip(lines["year"], lines["service"], strict=True))
    own = [(y, s) in named for y, s in zip(profile["year"], profile["service"], strict=True)]
    scoped = profile.assign(service=profile["service"].where(own, ""))
    spend = scoped.groupby(["option", "year", "service"], as_index=False)["spend"].sum()
    money = lines.groupby(["year", "service"], as_index=False)["amount"].sum()
    out = spend.merge(money.rename(columns={"amount": "funding"}), on=["year", "service"],
                      how="left")  # fmt: skip
    out["funding"] = out["funding"].fillna(0.0)
    out["gap"] = out["funding"] - out["spend"]
    out["covered"] = out["gap"] >= 0
    return out.sort_values(["option", "year", "service"]).reset_index(drop=True)
