"""The decision summary: what members and finance officers read first.

:func:`decision_summary` gathers, from a run's result and without writing anything, the
options side by side (:mod:`costofcare.report.options`), where comparator councils stand,
the Monte Carlo range, the providers behind each figure, the figures not yet confirmed and
the main risks in plain English. The recommendation workbook's first sheet
(:mod:`costofcare.report.decisionsheet`) and ``decision.html``
(:mod:`costofcare.report.decisionpage`) both show it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..benchmark.comparators import is_money_unit
from ..benchmark.quantiles import percentile_inc
from ..recommend.engine import ServiceRecommendation
from ..recommend.sample import sample_sizes
from .options import Horizon, monte_carlo_range, option_totals, options_table, plain_method_name
from .service import SERVICE_TITLES

__all__ = [
    "COMPARATOR_SERVICES",
    "DecisionSummary",
    "comparator_positions",
    "decision_summary",
    "risks",
]

#: The comparator table's services each of our services is compared with.
COMPARATOR_SERVICES = {
    "home_care": ("home_care",),
    "supported_living": ("supported_living",),
    "care_home": ("care_home_residential_65", "care_home_nursing_65"),
    # care homes priced per care category (costofcare.recommend.markets)
    "care_home.residential": ("care_home_residential_65",),
    "care_home.nursing": ("care_home_nursing_65",),
    "care_home.dual": ("care_home_residential_65", "care_home_nursing_65"),
}
#: Comparator rates that say what a council pays (a client charge is not a fee).
PAID_BASES = ("provider_fee", "council_maximum")
_COMPARATOR_LABELS = {
    "home_care": "home care",
    "supported_living": "supported living",
    "care_home_residential_65": "residential care, 65 and over",
    "care_home_nursing_65": "nursing care, 65 and over (excluding FNC)",
}


@dataclass
class DecisionSummary:
    """Everything the decision summary shows (all tables plain data, nothing written).

    Attributes
    ----------
    title, council : headings.
    services : market (service type, or ``care_home.<category>``) -> (title, plain method
        name, effective date, unit).
    options : :func:`~costofcare.report.options.options_table`.
    totals : :func:`~costofcare.report.options.option_totals`.
    horizon : the years and growth of the multi-year figure.
    comparators : :func:`comparator_positions` (None without comparators).
    monte_carlo : :func:`~costofcare.report.options.monte_carlo_range` (None without one).
    non_confirmed : the figures used that are not confirmed (may be empty).
    risks : sentences, most important first.
    left_out : returns left out of the market.
    """

    title: str
    council: str
    services: dict[str, tuple[str, str, str, str]]
    options: pd.DataFrame
    totals: pd.DataFrame
    horizon: Horizon
    comparators: pd.DataFrame | None = None
    monte_carlo: pd.DataFrame | None = None
    non_confirmed: pd.DataFrame | None = None
    risks: list[str] = field(default_factory=list)
    left_out: int = 0


def comparator_positions(
    comparators: pd.DataFrame | None, options: pd.DataFrame
) -> pd.DataFrame | None:
    """Where the recommended average rate stands among comparator councils' rates.

    Comparators are the rows that say what a council pays (:data:`PAID_BASES`), in money,
    rolled forward (``rate_rolled``), the latest per authority, for the services in
    :data:`COMPARATOR_SERVICES`. One row per comparator service: ``market, service, compared_with,
    authorities, count, lowest, median, highest, our_rate, below_ours`` (how many pay less
    than our recommended average rate). None when nothing is left to compare.
    """
    if comparators is None or comparators.empty or "rate_rolled" not in comparators:
        return None
    recommended = options[options["kind"] == "recommended"].set_index("market")
    rows = []
    for market in recommended.index:
        ours = float(recommended.loc[market, "average_rate"])
        service = recommended.loc[market, "service"]
        for theirs in COMPARATOR_SERVICES.get(market, COMPARATOR_SERVICES.get(service, ())):
            pick = comparators[
                (comparators["service"] == theirs)
                & comparators["basis_kind"].isin(PAID_BASES)
                & comparators["rate_rolled"].notna()
                & comparators["unit"].map(is_money_unit)
            ]
            pick = pick.sort_values("period", kind="mergesort").drop_duplicates(
                "authority", keep="last"
            )
            if pick.empty:
                continue
            rates = pick["rate_rolled"].to_numpy(dtype=float)
            rows.append(
                {
                    "market": market,
                    "service": service,
                    "compared_with": _COMPARATOR_LABELS.get(theirs, theirs),
                    "authorities": ", ".join(sorted(pick["authority"].astype(str))),
                    "count": len(pick),
                    "lowest": float(rates.min()),
                    "median": float(percentile_inc(rates, 0.5)),
                    "highest": float(rates.max()),
                    "our_rate": ours,
                    "below_ours": int(np.sum(rates < ours)),
                }
            )
    return pd.DataFrame(rows) if rows else None


def _money(value: float) -> str:
    if abs(value) >= 1e6:
        return f"£{value / 1e6:,.2f}m"
    return f"£{value:,.0f}"


def risks(
    recommendations: Mapping[str, ServiceRecommendation],
    options: pd.DataFrame,
    *,
    min_count: int,
    monte_carlo: pd.DataFrame | None = None,
    non_confirmed: pd.DataFrame | None = None,
    left_out: int = 0,
) -> list[str]:
    """The main risks of the recommendation, as sentences a member can read."""
    out: list[str] = []
    for size in sample_sizes(recommendations, min_count).values():
        if size.too_few:
            out.append(size.warning()[0].upper() + size.warning()[1:] + ".")
    recommended = options[options["kind"] == "recommended"]
    for row in recommended.itertuples(index=False):
        title = SERVICE_TITLES.get(row.market, row.market)
        short = row.providers_compared - row.providers_covered
        if short > 0:
            out.append(
                f"{title}: the recommended rates are below the rolled-forward cost of {short} "
                f"of the {row.providers_compared} providers with a cost return "
                f"({1 - row.covered_volume_share:.0%} of the {row.unit}s bought from them); "
                "they may hand back packages, seek top-ups or leave the market."
            )
        rec = recommendations[row.market]
        for rule, n in rec.binding_counts().items():
            out.append(
                f"{title}: {n} of {row.providers_priced} providers' rates are set by the {rule}, "
                "not by the method."
            )
        if rec.fit is not None and rec.fit.status != "fitted":
            out.append(f"{title}: the budget could not be spent exactly ({rec.fit.status}).")
    if monte_carlo is not None and not monte_carlo.empty:
        low, high = monte_carlo["year_one_low"].sum(), monte_carlo["year_one_high"].sum()
        scenario = monte_carlo["scenario"].iloc[0]
        out.append(
            f"Inflation is uncertain: under '{scenario}' the year-one cost of all services "
            f"ranges from {_money(low)} to {_money(high)} (P10 to P90 of the Monte Carlo)."
        )
    scen = options[options["kind"] == "scenario"]
    if not scen.empty:
        totals = option_totals(options).set_index("option")
        dearest = totals["year_one_impact"].idxmax()
        if totals.loc[dearest, "difference_from_recommended"] > 0:
            out.append(
                f"The dearest option, '{dearest}', would cost "
                f"{_money(totals.loc[dearest, 'difference_from_recommended'])} a year more "
                "than the recommendation."
            )
    if non_confirmed is not None and len(non_confirmed):
        out.append(
            f"{len(non_confirmed)} figure(s) the run used are not yet confirmed (listed "
            "below); the rates should be checked when they are."
        )
    if left_out:
        out.append(
            f"{left_out} cost return(s) were left out of the market (see costs/left_out.csv "
            "and the Data quality sheet)."
        )
    return out


def horizon_of(config) -> Horizon:
    """The multi-year horizon of a run config: ``[scenarios.budget]`` ``years`` and
    ``volume_growth_per_year`` (3 years, volumes flat, when not given)."""
    budget = ((getattr(config, "scenarios", None) or {}).get("budget")) or {}
    return Horizon(
        int(budget.get("years", Horizon.years)),
        float(budget.get("volume_growth_per_year", Horizon.volume_growth_per_year)),
    )


def decision_summary(result, *, title: str = "Cost of care: the fee decision") -> DecisionSummary:
    """The decision summary of a run (:class:`costofcare.pipeline.RunResult`).

    The multi-year horizon is the run config's ``[scenarios.budget]`` ``years`` and
    ``volume_growth_per_year`` (3 years, volumes flat, when not given).
    """
    recs = result.recommendations
    horizon = horizon_of(result.config)
    options = options_table(recs, result.scenarios, horizon)
    tables = result.scenario_tables
    monte = monte_carlo_range(recs, None if tables is None else tables.monte_carlo_summary)
    left_out = 0 if result.left_out is None else len(result.left_out)
    services = {
        s: (
            SERVICE_TITLES.get(s, s),
            plain_method_name(rec),
            rec.config.effective_date.strftime("%d %B %Y").lstrip("0"),
            rec.unit,
        )
        for s, rec in recs.items()
    }
    return DecisionSummary(
        title=title,
        council=result.config.council,
        services=services,
        options=options,
        totals=option_totals(options),
        horizon=horizon,
        comparators=comparator_positions(result.comparators, options),
        monte_carlo=monte,
        non_confirmed=result.non_confirmed,
        risks=risks(
            recs,
            options,
            min_count=result.config.min_count,
            monte_carlo=monte,
            non_confirmed=result.non_confirmed,
            left_out=left_out,
        ),
        left_out=left_out,
    )
