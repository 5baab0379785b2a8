"""Everything the recommendation step writes, in one call (what ``costofcare run`` uses)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..recommend.engine import ServiceRecommendation
from .decision import DecisionSummary
from .decisionpage import DECISION_PAGE, write_decision_page
from .provider import DEFAULT_MIN_COUNT, write_provider_workbooks
from .summary import write_summary
from .workbook import write_recommendation_workbook

RECOMMENDATION_WORKBOOK = "recommendation.xlsx"
SUMMARY_JSON = "summary.json"
PROVIDER_FOLDER = "providers"


def write_outputs(
    outdir: str | Path,
    recommendations: Mapping[str, ServiceRecommendation],
    *,
    unit_costs: pd.DataFrame,
    market: pd.DataFrame | None = None,
    scenarios: pd.DataFrame | None = None,
    parameters: pd.DataFrame | None = None,
    issues: pd.DataFrame | None = None,
    config_rows: list[tuple[str, str]] | None = None,
    min_count: int = DEFAULT_MIN_COUNT,
    council: str = "",
    non_confirmed: pd.DataFrame | None = None,
    decision: DecisionSummary | None = None,
    extra_sheets=(),
    provider_columns: pd.DataFrame | None = None,
) -> dict[str, Path]:
    """Write the recommendation workbook, the JSON summary and every provider's workbook.

    ``non_confirmed`` (:func:`costofcare.parameters.non_confirmed` of the figures the run
    used) is listed on the Summary sheet and in the JSON. ``decision``
    (:func:`costofcare.report.decision_summary` of the run) is the workbook's first sheet
    and ``decision.html``.
    used) is listed on the Summary sheet and in the JSON. ``extra_sheets`` and
    ``provider_columns`` go to the recommendation workbook only (never to a provider's).

    Returns ``{"recommendation": path, "summary": path, "providers": folder}`` (and
    ``"decision"``: the page, when ``decision`` is given); provider
    workbooks are ``providers/outcome-<safe name>-<hash>.xlsx``.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    book = write_recommendation_workbook(
        outdir / RECOMMENDATION_WORKBOOK,
        recommendations,
        market=market,
        scenarios=scenarios,
        parameters=parameters,
        config_rows=config_rows,
        issues=issues,
        min_count=min_count,
        non_confirmed=non_confirmed,
        decision=decision,
        extra_sheets=extra_sheets,
        provider_columns=provider_columns,
    )
    written = {}
    if decision is not None:
        written["decision"] = write_decision_page(outdir / DECISION_PAGE, decision)
    summary = write_summary(outdir / SUMMARY_JSON, recommendations, min_count, non_confirmed)
    providers = outdir / PROVIDER_FOLDER
    write_provider_workbooks(
        providers, recommendations, unit_costs, market, min_count=min_count, council=council
    )
    return {"recommendation": book.path, "summary": summary, "providers": providers, **written}
