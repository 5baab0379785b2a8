"""Write an example market to a folder: returns in the real templates, and the council's tables.

Layout written by :func:`write_market`::

    DIR/returns/*.xlsx          one return per provider, filled into the real templates
    DIR/returns/MANIFEST.csv    every deliberate fault and messy entry, with the issue expected
    DIR/current_rates.csv       the council's current rate per provider and service
    DIR/volumes.csv             commissioned volume per provider and service (a week)
    DIR/comparators.csv         what other councils pay (the shipped comparator table)
    DIR/run.toml                an example run config (scenarios and recommendations)
    DIR/truth.csv               the clean cost per unit of each provider, before any fault

Everything is deterministic: the same seed writes the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..ingest.fill import ReturnFiller
from ..templates.spec import get_spec
from .files import corrupt_bytes, normalise_zip, wrong_type_bytes, write_pasted
from .market import ExampleMarket, ProviderReturn

RUN_TOML = """\
# Example run config for the example market (Anytown Council, 2026-27 fee round).
# The returns describe April 2024 to March 2025; current rates are 2025-26; the new rates
# apply from April 2026. Paths are relative to this file.

[run]
council = "Anytown Council"
returns = "returns"                  # folder of provider returns
current_rates = "current_rates.csv"  # provider, service, current_rate, unit, ...
volumes = "volumes.csv"              # provider, service, volume_per_week, volume_unit
comparators = "comparators.csv"      # what other councils pay, with sources

# ---------------------------------------------------------------------------- scenarios
# The scenarios config (docs/scenarios.md) without [inputs]: a run builds the unit cost,
# workforce and volume tables from the returns.

[scenarios.target]
start = 2026-04-01
end = 2027-03-31

[scenarios.base]
parameters_on = 2024-04-06           # the returns' period: NI 13.8% above GBP 9,100

[scenarios.oncosts]
employment_allowance = true

[scenarios.budget]
years = 3
volume_growth_per_year = 0.02

[scenarios.defaults]
effective_date = 2026-04-01
wage = { policy = "national_living_wage", differential = "percent" }
indexation = { index = "CPI", from = "2024-09", to = "2026-03" }

[[scenarios.scenario]]
name = "NLW, keep % differentials"

[[scenarios.scenario]]
name = "NLW, compress differentials"
wage = { differential = "compress" }

[[scenarios.scenario]]
name = "Real Living Wage from April"
wage = { policy = "real_living_wage_uk", adoption_date = 2026-04-01, differential = "pence", base_floor = "national_living_wage" }

[[scenarios.scenario]]
name = "Council rate GBP 13.00, keep pence"
wage = { policy = "council_rate", rate_per_hour = 13.00, differential = "pence", base_floor = "national_living_wage" }

[scenarios.monte_carlo]
scenario = "NLW, keep % differentials"
runs = 2000
seed = 20260401
percentiles = [10, 50, 90]

[scenarios.monte_carlo.inputs]
"index.CPI" = { dist = "normal", mean = 0.03, sd = 0.01 }

# ----------------------------------------------------------------------- recommendations
# One table per service (costofcare/recommend/config.py lists every key).

[recommend.home_care]
method = "percentile"                # move to the local median cost, rolled forward
percentile = 0.5
effective_date = 2026-04-06
base_date = 2024-04-06               # the returns' period
wage_change = "national_living_wage_hourly"
price_change = "CPI:2025-09"
uplift_min = 0.0
uplift_max = 0.15
wage_floor = "national_living_wage_hourly"
paid_hours_per_unit = 1.3            # paid hours per contact hour, travel included

[recommend.care_home]
method = "weighted_index"
effective_date = 2026-04-06
base_date = 2025-04-06               # uplift today's (2025-26) rates by one year's change
wage_change = "national_living_wage_hourly"
price_change = "CPI:2025-09"
uplift_min = 0.0
uplift_max = 0.10
wage_floor = "national_living_wage_hourly"
paid_hours_per_unit = 24.0           # care staff hours per resident week

[recommend.supported_living]
method = "budget_uniform"
effective_date = 2026-04-06
budget_increase_annual = 450000.0
uplift_min = 0.0
wage_floor = "national_living_wage_hourly"
paid_hours_per_unit = 1.1
"""
"""The example run config written beside the example market."""


def _records(frame: pd.DataFrame | None) -> list[dict[str, object]]:
    if frame is None or not len(frame):
        return []
    out = []
    for record in frame.to_dict("records"):
        out.append({k: _plain(v) for k, v in record.items() if not _missing(v)})
    return out


def _missing(v: object) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _plain(v: object) -> object:
    """numpy scalars as Python numbers (openpyxl writes those)."""
    if hasattr(v, "item") and not isinstance(v, str | bytes):
        return v.item()
    return v


def write_return(r: ProviderReturn, path: Path, filler: ReturnFiller) -> Path:
    """Write one return in the form it takes (template, pasted, corrupt or wrong type)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    values = {k: _plain(v) for k, v in r.values.items() if not _missing(v)}
    tables = {k: _records(v) for k, v in r.tables.items()}
    if r.form == "wrong_type":
        path.write_bytes(wrong_type_bytes(r.provider))
        return path
    if r.form == "pasted":
        write_pasted(path, filler.spec, values, r.tables)
        return path
    filler.fill(path, values, {k: v for k, v in tables.items() if v})
    data = normalise_zip(path.read_bytes())
    if r.form == "corrupt":
        data = corrupt_bytes(data)
    path.write_bytes(data)
    return path


def write_market(market: ExampleMarket, outdir: str | Path) -> dict[str, Path]:
    """Write the market's returns, manifest, council tables, comparators and run config.

    Existing files of the same names are overwritten; an old ``returns/`` folder is cleared
    of ``.xlsx``/``.pdf`` files first so a smaller market leaves no strays.

    Returns
    -------
    dict
        What was written: ``returns`` (folder), ``manifest``, ``current_rates``, ``volumes``,
        ``comparators``, ``run_config``, ``truth``.
    """
    from ..benchmark.comparators import shipped_comparators

    outdir = Path(outdir)
    returns_dir = outdir / "returns"
    returns_dir.mkdir(parents=True, exist_ok=True)
    for old in list(returns_dir.glob("*.xlsx")) + list(returns_dir.glob("*.pdf")):
        old.unlink()
    fillers: dict[str, ReturnFiller] = {}
    for r in market.returns:
        if r.service not in fillers:
            fillers[r.service] = ReturnFiller(get_spec(r.service))
        write_return(r, returns_dir / r.file, fillers[r.service])
    paths = {
        "returns": returns_dir,
        "manifest": returns_dir / "MANIFEST.csv",
        "current_rates": outdir / "current_rates.csv",
        "volumes": outdir / "volumes.csv",
        "comparators": outdir / "comparators.csv",
        "run_config": outdir / "run.toml",
        "truth": outdir / "truth.csv",
    }
    market.manifest().to_csv(paths["manifest"], index=False, lineterminator="\n")
    market.current_rates.to_csv(paths["current_rates"], index=False, lineterminator="\n")
    market.volumes.to_csv(paths["volumes"], index=False, lineterminator="\n")
    market.truth.to_csv(paths["truth"], index=False, lineterminator="\n")
    shipped_comparators().to_csv(paths["comparators"], index=False, lineterminator="\n")
    paths["run_config"].write_text(RUN_TOML, encoding="utf-8")
    return paths
