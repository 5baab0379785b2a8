"""The options side by side: every scenario of a run beside the recommended method.

One row per option and service, all on the recommendation's basis, so the figures can be
compared and the recommended row is the Summary's own figure:

- **providers**: the providers the council pays a current rate (the recommendation's priced
  providers), at their commissioned units a week;
- **rates**: the recommended row has the recommendation's proposed rates (method and
  guardrails); a scenario row offers every provider one rate, the median of the providers'
  costs under that scenario (the figure the run offers the methods as the scenario's cost),
  rounded to the penny, and cuts no one's rate (a provider paid more today keeps its rate);
- **year one**: Σ units a week × the service's weeks a year × (rate − current rate), the weeks
  the recommendation uses (:data:`costofcare.money.WEEKS_PER_YEAR` unless configured);
- **over several years**: year one's impact repeated for ``years`` years, volumes held flat
  unless a growth a year is given (year ``y`` at ``(1 + growth) ** (y - 1)``), with no further
  uplift in later years;
- **cover**: the share of providers, and of their units, whose cost rolled forward to the
  target period the option's rate meets (a provider's rate at least its cost, to the half
  penny). The recommended row uses the recommendation's rolled-forward cost; a scenario row
  the provider's cost under that scenario. Providers without a cost return are not counted.

The scenario file (``scenarios/scenarios.csv``) costs something else: each provider with a
return paid its **own** cost under the scenario. Each scenario row carries that total
(``scenario_file_impact``) and says, in ``basis``, why it differs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..money import round_half_up
from ..recommend.engine import ServiceRecommendation
from ..recommend.sample import providers_behind

__all__ = [
    "OPTION_COLUMNS",
    "Horizon",
    "budget_profile",
    "monte_carlo_range",
    "option_totals",
    "options_table",
    "plain_method_name",
]

#: Columns of :func:`options_table`, in order.
OPTION_COLUMNS = (
    "option",
    "kind",
    "market",
    "service",
    "unit",
    "how_set",
    "market_rate",
    "average_current_rate",
    "average_rate",
    "uplift",
    "current_spend_annual",
    "year_one_impact",
    "multi_year_impact",
    "difference_from_recommended",
    "providers_priced",
    "providers_costed",
    "providers_compared",
    "providers_covered",
    "covered_providers_share",
    "covered_volume_share",
    "scenario_file_impact",
    "scenario_file_providers",
    "basis",
)
#: Half a penny: a rate rounded to the penny covers a cost up to this much above it.
_HALF_PENNY = 0.005


@dataclass(frozen=True)
class Horizon:
    """The years an option is costed over and the volume growth a year (0: held flat)."""

    years: int = 3
    volume_growth_per_year: float = 0.0

    @property
    def factor(self) -> float:
        """Year one's impact times this is the impact over :attr:`years` years.

        Examples
        --------
        >>> round(Horizon(3, 0.02).factor, 6)  # 1 + 1.02 + 1.02 ** 2
        3.0604
        """
        return float(sum((1.0 + self.volume_growth_per_year) ** y for y in range(self.years)))

    def describe(self) -> str:
        growth = self.volume_growth_per_year
        volumes = "volumes held flat" if growth == 0 else f"volumes growing {growth:.1%} a year"
        return f"over {self.years} years: year one's rates kept (no further uplift), {volumes}"


def plain_method_name(rec: ServiceRecommendation) -> str:
    """The recommended method in words a reader knows.

    Examples
    --------
    The median is named as such: ``Percentile(0.5)`` reads "median of local costs, rolled
    forward"; ``Percentile(0.6)`` "60th percentile of local costs, rolled forward".
    """
    method = rec.method
    share = getattr(method, "percentile", None)
    if method.name == "percentile" and share is not None:
        if np.isclose(share, 0.5):
            return "median of local costs, rolled forward"
        return f"{_ordinal(round(share * 100))} percentile of local costs, rolled forward"
    return str(method.label)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _share(mask: np.ndarray, weights: np.ndarray | None = None) -> float:
    if not len(mask):
        return float("nan")
    if weights is None:
        return float(np.mean(mask))
    total = float(np.sum(weights))
    return float(np.sum(weights[mask]) / total) if total > 0 else float("nan")


def _cover(
    rates: np.ndarray, costs: np.ndarray, volumes: np.ndarray
) -> tuple[int, int, float, float]:
    """(providers with a cost, providers covered, share of them, share of their units)."""
    known = ~np.isnan(costs)
    covered = rates[known] >= costs[known] - _HALF_PENNY
    return (
        int(known.sum()),
        int(covered.sum()),
        _share(covered),
        _share(covered, volumes[known]),
    )


def _row(option, kind, rec, rates, costs, horizon, how_set, market_rate, basis, costed) -> dict:
    """One option for one service, given each priced provider's rate and cost."""
    priced = rec.providers[rec.providers["current_rate"].notna()]
    current = priced["current_rate"].to_numpy(dtype=float)
    volume = priced["volume_per_week"].fillna(0.0).to_numpy(dtype=float)
    weeks = rec.weeks_per_year
    current_spend = float(np.sum(volume * current) * weeks)
    spend = float(np.sum(volume * rates) * weeks)
    units = float(np.sum(volume) * weeks)
    n_costed, n_covered, share, volume_share = _cover(rates, costs, volume)
    return {
        "option": option,
        "kind": kind,
        "market": rec.key,
        "service": rec.service,
        "unit": rec.unit,
        "how_set": how_set,
        "market_rate": market_rate,
        "average_current_rate": current_spend / units if units else float("nan"),
        "average_rate": spend / units if units else float("nan"),
        "uplift": spend / current_spend - 1.0 if current_spend else float("nan"),
        "current_spend_annual": current_spend,
        "year_one_impact": spend - current_spend,
        "multi_year_impact": (spend - current_spend) * horizon.factor,
        "providers_priced": len(priced),
        "providers_costed": costed,
        "providers_compared": n_costed,
        "providers_covered": n_covered,
        "covered_providers_share": share,
        "covered_volume_share": volume_share,
        "basis": basis,
    }


def _recommended_row(rec: ServiceRecommendation, horizon: Horizon) -> dict:
    priced = rec.providers[rec.providers["current_rate"].notna()]
    rates = priced["proposed_rate"].to_numpy(dtype=float)
    if "rolled_cost" in priced:
        costs = priced["rolled_cost"].to_numpy(dtype=float)
    else:
        costs = np.full(len(priced), np.nan)
    binding = rec.binding_counts()
    held = "; ".join(f"{rule} for {n} of {len(priced)} providers" for rule, n in binding.items())
    basis = "the recommendation as on the Summary" + (f" (guardrails: {held})" if held else "")
    target = rec.figures.get("target_rate")
    return _row(
        "Recommended",
        "recommended",
        rec,
        rates,
        costs,
        horizon,
        plain_method_name(rec),
        None if target is None else float(target.value),
        basis,
        providers_behind(rec.providers),
    )


def market_scenarios(rec: ServiceRecommendation, scenarios: pd.DataFrame) -> pd.DataFrame:
    """The scenario rows of ``rec``'s market, on its basis: for a care home market priced by
    care category, only the homes of that category, and for nursing and dual homes their cost
    under the scenario less the NHS-funded nursing care the home receives in the target
    period (``fnc_target`` of the recommendation's providers), as the recommendation's own
    rolled-forward cost is. ``required_rate*`` columns are adjusted alike."""
    mine = scenarios[scenarios["service"] == rec.service]
    if not rec.config.care_category:
        return mine
    mine = mine[mine["provider"].isin(set(rec.providers["provider"].astype(str)))].copy()
    if "fnc_target" in rec.providers:
        less = rec.providers.drop_duplicates("provider").set_index("provider")["fnc_target"]
        fnc = mine["provider"].map(less).fillna(0.0).astype(float)
        for column in [c for c in mine.columns if str(c).startswith("required_rate")]:
            mine[column] = mine[column] + fnc  # fnc_target is minus the FNC
    return mine


def _scenario_row(name: str, rec: ServiceRecommendation, frame: pd.DataFrame, horizon) -> dict:
    """One scenario for one market on the recommendation's basis (see the module notes)."""
    priced = rec.providers[rec.providers["current_rate"].notna()]
    current = priced["current_rate"].to_numpy(dtype=float)
    own = frame.drop_duplicates("provider").set_index("provider")["required_rate"]
    costs = priced["provider"].astype(str).map(own).to_numpy(dtype=float)
    market = round_half_up(float(frame["required_rate"].median()), 2)
    rates = np.maximum(current, market)
    kept = int(np.sum(current > market))
    file_impact = float(frame["budget_full_year"].sum()) if "budget_full_year" in frame else None
    basis = (
        f"one rate for all {len(priced)} providers with a current rate: the median of "
        f"{len(frame)} providers' costs under this scenario"
        + (f"; {kept} paid more today keep their rate" if kept else "")
        + f". The scenario file instead pays each of the {len(frame)} providers with a "
        "return its own cost"
        + (f" (£{file_impact:,.0f} a year)" if file_impact is not None else "")
    )
    row = _row(
        name,
        "scenario",
        rec,
        rates,
        costs,
        horizon,
        "median of local costs under the scenario",
        market,
        basis,
        len(frame),
    )
    row["scenario_file_impact"] = file_impact
    row["scenario_file_providers"] = len(frame)
    return row


def options_table(
    recommendations: Mapping[str, ServiceRecommendation],
    scenarios: pd.DataFrame | None = None,
    horizon: Horizon = Horizon(),
) -> pd.DataFrame:
    """Every option per service on one basis (see the module notes): the recommendation
    first, then each scenario in the order the run gave them.

    Parameters
    ----------
    recommendations
        Service type -> :class:`~costofcare.recommend.engine.ServiceRecommendation`.
    scenarios
        The run's scenario results (one row per scenario, provider and service with
        ``required_rate`` and ``budget_full_year``), or None.
    horizon
        The years and the volume growth of the multi-year figure.

    Returns
    -------
    DataFrame with :data:`OPTION_COLUMNS`. ``uplift`` and the shares are fractions;
    money is GBP; ``difference_from_recommended`` is the option's year one less the
    recommendation's for the same service.
    """
    rows = []
    for rec in recommendations.values():
        rows.append(_recommended_row(rec, horizon))
        if scenarios is None or scenarios.empty:
            continue
        mine = market_scenarios(rec, scenarios)
        for name in pd.unique(mine["scenario"]):
            rows.append(_scenario_row(str(name), rec, mine[mine["scenario"] == name], horizon))
    table = pd.DataFrame(rows).reindex(columns=list(OPTION_COLUMNS))
    recommended = table[table["kind"] == "recommended"].set_index("market")["year_one_impact"]
    table["difference_from_recommended"] = table["year_one_impact"] - table["market"].map(
        recommended
    )
    return table


def budget_profile(options: pd.DataFrame, horizon: Horizon, first_year: int) -> pd.DataFrame:
    """Each option's spend a year per service over the horizon, on the options' basis.

    Year ``y`` (1 to ``horizon.years``, financial year ``first_year + y - 1``) spends
    ``(current spend + year one impact) × (1 + growth) ** (y - 1)``: year one's rates kept
    and volumes growing as :class:`Horizon` says, so the years' impacts add up to
    ``multi_year_impact``. Care home markets are added up to the service.

    Returns
    -------
    DataFrame: ``option, service, year, spend`` (GBP a year).

    Examples
    --------
    >>> o = pd.DataFrame({"option": ["A"], "service": ["home_care"],
    ...                   "current_spend_annual": [100.0], "year_one_impact": [10.0]})
    >>> budget_profile(o, Horizon(2, 0.1), 2026)["spend"].round(2).tolist()  # 110, 110 x 1.1
    [110.0, 121.0]
    """
    spend = options.groupby(["option", "service"], sort=False, as_index=False)[
        ["current_spend_annual", "year_one_impact"]
    ].sum()
    base = spend["current_spend_annual"] + spend["year_one_impact"]
    rows = [
        spend[["option", "service"]].assign(
            year=first_year + y, spend=base * (1.0 + horizon.volume_growth_per_year) ** y
        )
        for y in range(horizon.years)
    ]
    return pd.concat(rows, ignore_index=True).sort_values(
        ["option", "service", "year"], kind="mergesort", ignore_index=True
    )


def option_totals(options: pd.DataFrame) -> pd.DataFrame:
    """Per option, the services' totals: ``option, services, current_spend_annual,
    year_one_impact, multi_year_impact, difference_from_recommended, uplift`` (proposed
    spend over current spend, less one), the options in the table's order."""
    grouped = options.groupby("option", sort=False)
    totals = grouped[
        [
            "current_spend_annual",
            "year_one_impact",
            "multi_year_impact",
            "difference_from_recommended",
        ]
    ].sum()
    totals.insert(0, "services", grouped.size())
    totals["uplift"] = totals["year_one_impact"] / totals["current_spend_annual"]
    return totals.reset_index()


def monte_carlo_range(
    recommendations: Mapping[str, ServiceRecommendation],
    summary: pd.DataFrame | None,
    low: str = "p10",
    high: str = "p90",
) -> pd.DataFrame | None:
    """The Monte Carlo range of the drawn scenario's option, per service, on the options'
    basis: ``scenario, service, unit, providers, rate_low, rate_median, rate_high,
    year_one_low, year_one_high``.

    The option's rate at each end is the median of the providers' ``required_rate_<low>``
    (``<high>``); when every provider's cost rises with the same drawn inputs (one index
    drawn, as in the example) this is exactly that percentile of the option's rate. The year
    one impact at each end is worked out as in :func:`options_table`. None without a Monte
    Carlo summary carrying those percentiles.
    """
    need = {f"required_rate_{low}", f"required_rate_{high}", "required_rate_p50"}
    if summary is None or summary.empty or not need <= set(summary.columns):
        return None
    rows = []
    for market, rec in recommendations.items():
        mine = market_scenarios(rec, summary)
        if mine.empty:
            continue
        priced = rec.providers[rec.providers["current_rate"].notna()]
        current = priced["current_rate"].to_numpy(dtype=float)
        volume = priced["volume_per_week"].fillna(0.0).to_numpy(dtype=float)
        ends = {}
        for key in (low, "p50", high):
            rate = round_half_up(float(mine[f"required_rate_{key}"].median()), 2)
            impact = float(np.sum(volume * (np.maximum(current, rate) - current)))
            ends[key] = (rate, impact * rec.weeks_per_year)
        rows.append(
            {
                "scenario": str(mine["scenario"].iloc[0]),
                "market": market,
                "service": rec.service,
                "unit": rec.unit,
                "providers": len(mine),
                "rate_low": ends[low][0],
                "rate_median": ends["p50"][0],
                "rate_high": ends[high][0],
                "year_one_low": ends[low][1],
                "year_one_high": ends[high][1],
            }
        )
    return pd.DataFrame(rows) if rows else None
