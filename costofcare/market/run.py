"""The market step: its parts run side by side on one ``[market]`` config table.

:func:`run_market` runs every part in :data:`PARTS` (quality and risk is one; others, such
as market shape, add themselves to the list) on a :class:`MarketContext` and gathers their
tables, issues, JSON summary sections, workbook sheets and Providers sheet columns into one
:class:`MarketResult`. A key of ``[market]`` that no part reads is refused, so a misspelt
key is never ignored. :func:`write_market` writes the tables under ``OUT/market/``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..csvout import write_csv
from ..errors import ConfigError
from ..ingest.issues import ISSUE_COLUMNS

#: A sheet writer for the recommendation workbook: (sheet name, writer of a LiveSheet).
SheetWriter = tuple[str, Callable]


@dataclass(frozen=True)
class MarketContext:
    """What a part may read: the ``[market]`` table, the folder its paths are relative to,
    and (inside ``costofcare run``) the run's tables.

    Attributes
    ----------
    config : the ``[market]`` table as written.
    folder : the config file's folder.
    values, unit_costs : ingest's values and the market's unit costs (None standalone).
    recommendations : service -> ServiceRecommendation (None standalone).
    scenarios : scenario results per provider service (None without scenarios).
    on : the day read when ``as_of`` is not set (in a run, the first effective date).
    profile : each option's spend a year (``option, service, year, spend``; in a run, from
        the decision summary's options, :func:`costofcare.report.options.budget_profile`),
        compared with the council's funding lines by market shape.
    option_rates : each option's average rate per service (``option, service, rate``), at
        which market shape costs the unmet need.
    """

    config: Mapping
    folder: Path
    values: pd.DataFrame | None = None
    unit_costs: pd.DataFrame | None = None
    recommendations: Mapping | None = None
    scenarios: pd.DataFrame | None = None
    on: object | None = None
    profile: pd.DataFrame | None = None
    option_rates: pd.DataFrame | None = None


@dataclass
class PartResult:
    """What one part produced.

    Attributes
    ----------
    tables : file stem -> table, written as ``OUT/market/<stem>.csv``.
    issues : issue rows (:data:`costofcare.tables.catalogue.ISSUES`).
    summary : the part's section of summary.json.
    sheets : (name, writer) pairs for the recommendation workbook.
    provider_columns : columns for the Providers sheet: ``service, provider`` and one column
        per added heading (None: none added).
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    issues: pd.DataFrame | None = None
    summary: dict = field(default_factory=dict)
    sheets: list[SheetWriter] = field(default_factory=list)
    provider_columns: pd.DataFrame | None = None


@dataclass(frozen=True)
class MarketPart:
    """A part of the market step: its name (its summary section), the ``[market]`` keys it
    reads, and the function that runs it. A part runs when ``[market]`` has any of its
    keys; it checks its own keys (a required one missing is its ConfigError)."""

    name: str
    keys: frozenset[str]
    run: Callable[[MarketContext], PartResult | None]
    check: Callable[[MarketContext], object] | None = None
    """Checks the part's keys without reading any file (run before a pipeline's work)."""


@dataclass
class MarketResult:
    """Every part's output, gathered (see :class:`PartResult` for each attribute)."""

    tables: dict[str, pd.DataFrame]
    issues: pd.DataFrame
    summary: dict
    sheets: list[SheetWriter]
    provider_columns: pd.DataFrame | None


def _quality_part() -> MarketPart:
    from .config import QUALITY_KEYS, parse_quality
    from .quality import run_quality

    return MarketPart(
        "quality", QUALITY_KEYS, run_quality, lambda ctx: parse_quality(ctx.config, ctx.folder)
    )


def _shape_part() -> MarketPart:
    from .shape_run import SHAPE_KEYS

    return MarketPart("shape", frozenset(SHAPE_KEYS), _run_shape)


def _run_shape(context: MarketContext) -> PartResult:
    """Market shape (:func:`costofcare.market.run_shape`) as a part: its tables written as
    ``market/shape_<name>.csv`` beside quality's, and its "Market shape" sheet."""
    from .shape_run import run_shape
    from .shape_sheet import market_shape_sheet

    result = run_shape(
        context.config,
        context.folder,
        on=context.on,
        values=context.values,
        profile=context.profile,
        option_rates=context.option_rates,
    )
    return PartResult(
        tables={f"shape_{name}": table for name, table in result.tables.items()},
        issues=result.issues,
        summary=result.summary,
        sheets=[("Market shape", market_shape_sheet(result))] if result.tables else [],
    )


#: The parts run by :func:`run_market`, in order.
PARTS: list[Callable[[], MarketPart]] = [_quality_part, _shape_part]


def check_market(context: MarketContext, parts=None) -> list[MarketPart]:
    """Refuse a ``[market]`` key no part reads and check each part's keys, reading no file;
    the parts that will run (those with a key in ``[market]``)."""
    parts = [make() for make in (PARTS if parts is None else parts)]
    known = set().union(*(p.keys for p in parts)) if parts else set()
    for key in context.config:
        if key not in known:
            raise ConfigError(f"[market]: unknown key {key!r}; known: {', '.join(sorted(known))}")
    used = [p for p in parts if p.keys & set(context.config)]
    for part in used:
        if part.check is not None:
            part.check(context)
    return used


def run_market(context: MarketContext, parts=None) -> MarketResult:
    """Run every part with a key in ``[market]``; refuse a key no part reads.

    Parameters
    ----------
    context : the config table, its folder and the run's tables.
    parts : the parts (default :data:`PARTS`).
    """
    tables: dict[str, pd.DataFrame] = {}
    issues, sheets, summary, columns = [], [], {}, None
    for part in check_market(context, parts):
        out = part.run(context)
        if out is None:
            continue
        tables.update(out.tables)
        if out.issues is not None:
            issues.append(out.issues)
        summary[part.name] = out.summary
        sheets.extend(out.sheets)
        columns = _join_columns(columns, out.provider_columns)
    issue_table = (
        pd.concat(issues, ignore_index=True) if issues else pd.DataFrame(columns=ISSUE_COLUMNS)
    )
    # parts reading one file (the register) find its problems once each, not once per part
    issue_table = issue_table.astype(str).drop_duplicates(ignore_index=True)
    return MarketResult(tables, issue_table.astype(str), summary, sheets, columns)


def _join_columns(left: pd.DataFrame | None, right: pd.DataFrame | None) -> pd.DataFrame | None:
    if left is None or right is None:
        return right if left is None else left
    return left.merge(right, on=["service", "provider"], how="outer")


def headline(result: MarketResult) -> str:
    """One line on what the market step found (for the command line): quality and risk's
    services, RAG and providers at risk; market shape's providers and contracts flagged."""
    quality = result.summary.get("quality", {})
    parts = [f"{quality['services']} registered services"] if "services" in quality else []
    rag = quality.get("rag")
    if rag:
        parts.append(f"RAG {rag['red']} red, {rag['amber']} amber, {rag['green']} green")
    options = quality.get("sustainability", {}).get("options", {})
    if "recommended" in options:
        share = options["recommended"]["share_of_spend_at_risk"] or 0.0
        parts.append(f"{options['recommended']['at_risk']} providers at risk at the proposed "
                     f"rates ({100 * share:.1f}% of spend)")  # fmt: skip
    shape = result.summary.get("shape", {})
    if "providers" in shape.get("spend", {}):
        parts.append(f"market shape: spend with {shape['spend']['providers']} providers")
    if "contracts_flagged" in shape:
        parts.append(f"{len(shape['contracts_flagged'])} contract(s) inside their lead time")
    parts.append(f"{len(result.issues)} issue(s)")
    return "; ".join(parts)


def write_market(result: MarketResult, outdir: str | Path) -> dict[str, Path]:
    """Write every table and the issues under ``outdir/market/``; where each went
    (keys ``market/<stem>``)."""
    folder = Path(outdir) / "market"
    paths = {
        f"market/{stem}": write_csv(table, folder / f"{stem}.csv")
        for stem, table in result.tables.items()
    }
    paths["market/issues"] = write_csv(result.issues, folder / "issues.csv")
    return paths
