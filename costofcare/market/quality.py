"""The quality, risk and sustainability part of the market step.

Reads the register, ratings, indicators and published distributions named in ``[market]``;
takes the indicators the returns carry; rates every registered service (RAG with reasons),
bands and counts; and, inside a run, sets each provider's cost against the rate of every
option. Each input row is used or reported (file and line).
"""

from __future__ import annotations

import pandas as pd

from ..tables.catalogue import INDICATORS
from .assess import assess, rating_indicators, unknown_overrides
from .config import QualityConfig, parse_quality
from .distribution import (
    check_published,
    distribution_over_time,
    good_or_better,
    rating_distribution,
)
from .inputs import in_register, indicators_from_returns, issue_frame, issue_row, read_input
from .rag import parse_number
from .ratings import SCALES, read_ratings, service_ratings
from .run import MarketContext, PartResult
from .shares import latest_values, value_shares
from .sustainability import at_risk_summary, option_rows, provider_links, rag_by_gap, sustainability


def _ratings(cfg: QualityConfig, register: pd.DataFrame, issues: list) -> pd.DataFrame:
    if cfg.ratings is None:
        return pd.DataFrame(columns=["registration_number", "regulator", "theme", "rating",
                                     "date", "rank", "good_or_better"])  # fmt: skip
    raw, found = read_input("ratings", cfg.ratings)
    inside, outside = in_register(raw, register, str(cfg.ratings), "a rating")
    ratings, unknown = read_ratings(inside, str(cfg.ratings))
    issues.extend([found, outside, unknown])
    return ratings.assign(file=str(cfg.ratings))


def _indicators(
    cfg: QualityConfig, ctx: MarketContext, register: pd.DataFrame, issues: list
) -> pd.DataFrame:
    parts = []
    if cfg.indicators is not None:
        raw, found = read_input("indicators", cfg.indicators)
        raw = raw.assign(file=str(cfg.indicators), sheet="", cell=raw["line"].astype(str))
        inside, outside = in_register(raw, register, str(cfg.indicators), "an indicator")
        issues.extend([found, outside])
        parts.append(inside)
    if cfg.returns_indicators and ctx.values is not None:
        used = None if ctx.unit_costs is None else ctx.unit_costs["return_id"].unique()
        from_returns = indicators_from_returns(ctx.values, used)
        inside, outside = _returns_in_register(from_returns, register)
        issues.append(outside)
        parts.append(inside)
    if not parts:
        return pd.DataFrame(columns=list(INDICATORS.names))
    frame = pd.concat(parts, ignore_index=True)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def _returns_in_register(frame: pd.DataFrame, register: pd.DataFrame):
    """Indicators of returns whose registration number the register holds; one issue per
    return (not per value) for the others, naming the return file."""
    inside = frame["registration_number"].isin(set(register["registration_number"]))
    records = [
        issue_row(
            "not_in_register",
            row["file"],
            "",
            "registration_number",
            f"the return's indicators, for registration number '{row['registration_number']}', "
            "which is not in the register, were not used",
            row["registration_number"],
        )
        for _, row in frame[~inside].drop_duplicates("registration_number").iterrows()
    ]
    return frame[inside].reset_index(drop=True), issue_frame(records)


def _as_of(cfg: QualityConfig, ratings: pd.DataFrame, indicators: pd.DataFrame):
    """The day ages are measured to: ``as_of``, else the latest date in the inputs."""
    if cfg.as_of is not None:
        return pd.Timestamp(cfg.as_of)
    dates = pd.concat([ratings["date"], indicators["date"]]).dropna()
    return dates.max() if len(dates) else None


def _bands(cfg: QualityConfig, indicators: pd.DataFrame) -> pd.DataFrame:
    latest = latest_values(indicators) if len(indicators) else indicators
    parts = []
    for band_set in cfg.bands.values():
        if not band_set.indicator:
            continue
        values = latest.loc[latest["indicator"] == band_set.indicator, "value"]
        parts.append(band_set.counts(values.map(parse_number)))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _all_bases(ratings: pd.DataFrame, register: pd.DataFrame, as_of) -> pd.DataFrame:
    """Good or better on every basis each regulator's ratings can be stated on."""
    parts = [
        good_or_better(ratings, register, {"care_inspectorate": basis}, as_of)
        for basis in ("minimum", "all_themes")
    ]
    table = pd.concat(parts, ignore_index=True).drop_duplicates(["regulator", "basis"])
    return table.reset_index(drop=True)


def run_quality(ctx: MarketContext) -> PartResult:
    """The quality part of :func:`~costofcare.market.run.run_market`."""
    cfg = parse_quality(ctx.config, ctx.folder)
    register, found = read_input("register", cfg.register)
    issues = [found]
    ratings = _ratings(cfg, register, issues)
    indicators = _indicators(cfg, ctx, register, issues)
    as_of = _as_of(cfg, ratings, indicators)
    basis = {r: cfg.rating_basis.get(r, SCALES[r].basis) for r in SCALES}
    rated = service_ratings(ratings, basis, as_of) if len(ratings) else None
    if rated is not None:
        indicators = pd.concat([indicators, rating_indicators(rated)], ignore_index=True)
    tables = {
        "register": register.drop(columns="line"),
        "indicators": indicators,
        "rating_distribution": rating_distribution(ratings, register, basis, as_of),
        "rating_distribution_by_year": distribution_over_time(ratings, register, basis),
        "good_or_better": _all_bases(ratings, register, as_of),
        "bands": _bands(cfg, indicators),
        "shares": value_shares(indicators, register, cfg.shares),
    }
    if cfg.published is not None:
        published, found = read_input("published_distributions", cfg.published)
        tables["published_distribution_check"], checked = check_published(
            published, str(cfg.published), cfg.distribution_tolerance
        )
        issues.extend([found, checked])
    rag = None
    if cfg.rag is not None:
        issues.append(_stray_overrides(cfg, register))
        rag, details, found = assess(register, indicators, cfg.rag, as_of)
        tables["rag"], tables["rag_indicators"] = rag, details
        issues.append(found)
    result = PartResult(tables=tables, summary=_summary(cfg, tables, as_of, basis))
    if rag is not None and ctx.recommendations is not None:
        _add_sustainability(result, cfg, ctx, register, rag, issues)
    issues = [i for i in issues if i is not None and len(i)]
    result.issues = pd.concat(issues, ignore_index=True) if issues else issue_frame([])
    return result


def _stray_overrides(cfg: QualityConfig, register: pd.DataFrame) -> pd.DataFrame:
    """An issue for each override of a registration number the register does not hold."""
    records = [
        issue_row(
            "not_in_register",
            str(cfg.register),
            "",
            "registration_number",
            f"[market.rag].override for registration number '{number}', which is not in the "
            "register; the override was not used",
            number,
        )
        for number in unknown_overrides(cfg.rag, register)
    ]
    return issue_frame(records)


def _add_sustainability(result, cfg, ctx, register, rag, issues) -> None:
    from .sheet import SustainabilitySheet

    links = provider_links(register, ctx.values, ctx.unit_costs)
    options = option_rows(ctx.recommendations, ctx.scenarios)
    table, found = sustainability(options, rag, links, threshold=cfg.threshold,
                                  at_risk=cfg.at_risk)  # fmt: skip
    issues.append(found)
    summary = at_risk_summary(table)
    result.tables.update(sustainability=table, at_risk=summary, rag_by_gap=rag_by_gap(table))
    result.summary["sustainability"] = _sustainability_summary(cfg, summary)
    result.sheets.append(
        ("Market sustainability", SustainabilitySheet(table, cfg.threshold, cfg.at_risk))
    )
    recommended = table[table["option"] == "recommended"]
    result.provider_columns = recommended[["service", "provider", "rag", "gap_share"]]


def _sustainability_summary(cfg: QualityConfig, summary: pd.DataFrame) -> dict:
    """Per option: providers below the threshold and at risk, the share of spend at risk
    (all services) and of volume at risk per service."""
    options: dict = {}
    for row in summary.to_dict("records"):
        option = options.setdefault(row["option"], {"share_of_volume_at_risk": {}})
        if row["service"] == "all":
            option.update(
                providers=int(row["providers"]),
                below_threshold=int(row["below_threshold"]),
                at_risk=int(row["at_risk"]),
                share_of_spend_at_risk=_num(row["share_of_spend_at_risk"]),
            )
        else:
            option["share_of_volume_at_risk"][row["service"]] = _num(row["share_of_volume_at_risk"])
    return {"threshold": cfg.threshold, "at_risk_rag": list(cfg.at_risk), "options": options}


def _num(value) -> float | None:
    return None if pd.isna(value) else round(float(value), 6)


def _summary(cfg: QualityConfig, tables: dict, as_of, basis: dict) -> dict:
    register = tables["register"]
    out: dict = {
        "services": len(register),
        "providers": int(register["provider"].nunique()),
        "as_of": None if as_of is None else f"{pd.Timestamp(as_of):%Y-%m-%d}",
        "rating_basis": basis,
        "good_or_better": [
            {k: (_num(v) if isinstance(v, float) else v) for k, v in row.items()}
            for row in tables["good_or_better"].to_dict("records")
        ],
    }
    if "rag" in tables:
        rag = tables["rag"]
        out["rag"] = {r: int((rag["rag"] == r).sum()) for r in ("red", "amber", "green")}
        out["rag_overrides"] = int((rag["override_reason"] != "").sum())
    if len(tables["bands"]):
        out["bands"] = {
            name: {row["band"]: int(row["count"]) for row in group.to_dict("records")}
            for name, group in tables["bands"].groupby("band_set", sort=False)
        }
    if len(tables["shares"]):
        out["shares"] = {
            row["indicator"]: {"count": int(row["count"]), "services": int(row["services"]),
                               "percent": row["percent"]}
            for row in tables["shares"].to_dict("records")
        }  # fmt: skip
    return out
