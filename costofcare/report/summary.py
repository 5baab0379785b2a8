"""Machine-readable summary of a recommendation (JSON)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .. import __version__
from ..audit.clock import written_time
from ..parameters.store import NON_CONFIRMED_COLUMNS
from ..recommend.engine import ServiceRecommendation
from ..recommend.markets import service_totals
from ..recommend.sample import sample_sizes
from .provider import DEFAULT_MIN_COUNT


def _num(value: float, digits: int = 6) -> float | None:
    return None if value is None or value != value else round(float(value), digits)


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def non_confirmed_list(table: pd.DataFrame | None) -> list[dict]:
    """The rows of a :func:`costofcare.parameters.non_confirmed` table as plain data:
    ``name, value, unit, effective_from, effective_to, status, flags, source_title,
    source_url, note`` (dates as ``YYYY-MM-DD``; an open-ended figure has ``effective_to``
    ``""``)."""
    if table is None:
        return []
    return [
        {
            "name": str(row["name"]),
            "value": _num(row["value"], 6),
            **{key: _text(row.get(key)) for key in NON_CONFIRMED_TEXT},
        }
        for row in table.to_dict("records")
    ]


#: The text columns of a non-confirmed figure (every column of the parameters' table but the
#: name and the value).
NON_CONFIRMED_TEXT = tuple(c for c in NON_CONFIRMED_COLUMNS if c not in ("name", "value"))


def summary(
    recommendations: Mapping[str, ServiceRecommendation],
    min_count: int = DEFAULT_MIN_COUNT,
    non_confirmed: pd.DataFrame | None = None,
) -> dict:
    """Recommended rates, uplifts and budget impact per service type, as plain data.

    Fractions are fractions (0.05 is 5%); ``uplift_percent`` is the same figure × 100.
    Money is GBP; annual figures are a year at the volumes given. ``providers_behind`` is
    how many providers' cost returns stand behind each rate; below ``min_count`` the service
    has a ``sample_warning`` and the warning is listed in ``sample_warnings``.
    ``non_confirmed`` lists the figures the run used that are not confirmed (announced,
    forecast or assumption; :func:`non_confirmed_list`), empty when every figure is.
    Care homes priced per care category have one entry per market (``care_home.nursing``,
    ...: :mod:`costofcare.recommend.markets`); ``service_totals`` adds a service's markets
    up.
    """
    sizes = sample_sizes(recommendations, min_count)
    services = {
        service: _service_entry(rec, sizes[service]) for service, rec in recommendations.items()
    }
    recs = recommendations.values()
    return {
        "generator": f"costofcare {__version__}",
        "written": written_time().isoformat(timespec="seconds"),
        "services": services,
        "min_count": min_count,
        "sample_warnings": [s.warning() for s in sizes.values() if s.too_few],
        "non_confirmed": non_confirmed_list(non_confirmed),
        "service_totals": {
            service: {
                key: value if key == "markets" else _num(value, 2) for key, value in totals.items()
            }
            for service, totals in service_totals(recommendations).items()
        },
        "total": {
            "current_spend_annual": _num(sum(r.current_spend_annual for r in recs), 2),
            "proposed_spend_annual": _num(sum(r.proposed_spend_annual for r in recs), 2),
            "budget_impact_annual": _num(sum(r.budget_impact_annual for r in recs), 2),
        },
    }


def _service_entry(rec: ServiceRecommendation, size) -> dict:
    """One service's figures: rates, uplift, spend, guardrails, sample size, how it was set."""
    priced = rec.providers[rec.providers["current_rate"].notna()]
    entry = {
        "service": rec.service,
        "care_category": rec.config.care_category or "",
        "enhanced_care": bool(rec.config.enhanced),
        "method": rec.method.name,
        "method_label": rec.method.label,
        "unit": rec.unit,
        "effective_date": rec.config.effective_date.isoformat(),
        "providers": int(len(priced)),
        "average_current_rate": _num(rec.average_current_rate, 4),
        "average_proposed_rate": _num(rec.average_proposed_rate, 4),
        "uplift": _num(rec.uplift),
        "uplift_percent": _num(rec.uplift * 100, 4),
        "current_spend_annual": _num(rec.current_spend_annual, 2),
        "proposed_spend_annual": _num(rec.proposed_spend_annual, 2),
        "budget_impact_annual": _num(rec.budget_impact_annual, 2),
        "wage_floor_rate": _num(rec.guardrails.floor_rate, 4),
        "uplift_min": rec.config.uplift_min,
        "uplift_max": rec.config.uplift_max,
        "guardrails_binding": rec.binding_counts(),
        "figures": {k: _num(f.value, 6) for k, f in rec.figures.items()},
        "rates": [
            {
                "provider": str(row["provider"]),
                "current_rate": _num(row["current_rate"], 2),
                "proposed_rate": _num(row["proposed_rate"], 2),
                "uplift": _num(row["uplift"]),
                "binding": row["binding"],
            }
            for _, row in priced.iterrows()
        ],
        # sample size (costofcare.recommend.sample)
        "providers_behind": size.providers,
    }
    if rec.fnc_per_week is not None:
        entry["fnc_per_week"] = {
            "value": _num(rec.fnc_per_week.value, 2),
            "source": rec.fnc_per_week.source,
            "note": "NHS-funded nursing care, paid by the NHS on top of the council's rate",
        }
    if size.too_few:
        entry["sample_warning"] = size.warning()
    if rec.roll_forward is not None:
        basis = rec.roll_forward.basis
        entry["roll_forward"] = {
            "settings": str(rec.config.roll_forward),
            "providers_by_basis": {str(k): int(v) for k, v in basis.value_counts().items()},
        }
    if rec.fit is not None:
        entry["budget_fit"] = {
            "how": rec.fit.how,
            "share": rec.fit.share,
            "value": _num(rec.fit.value, 8),
            "status": rec.fit.status,
            "envelope_annual": _num(rec.fit.envelope_annual, 2),
            "gap_annual": _num(rec.fit.gap_annual, 2),
        }
    return entry


def write_summary(
    path: str | Path,
    recommendations: Mapping[str, ServiceRecommendation],
    min_count: int = DEFAULT_MIN_COUNT,
    non_confirmed: pd.DataFrame | None = None,
) -> Path:
    """Write :func:`summary` as indented UTF-8 JSON."""
    path = Path(path)
    data = summary(recommendations, min_count, non_confirmed)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
