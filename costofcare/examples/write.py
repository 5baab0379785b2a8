"""Write an example market to a folder: returns in the real templates, and the council's tables.

Layout written by :func:`write_market`::

    DIR/returns/*.xlsx          one return per provider, filled into the real templates
    DIR/returns/MANIFEST.csv    every deliberate fault and messy entry, with the issue expected
    DIR/current_rates.csv       the council's current rate per provider and service
    DIR/volumes.csv             commissioned volume per provider and service (a week)
    DIR/comparators.csv         what other councils pay (the shipped comparator table)
    DIR/run.toml                an example run config (scenarios and recommendations)
    DIR/truth.csv               the clean cost per unit of each provider, before any fault
    DIR/register.csv, ratings.csv, indicators.csv, published_distributions.csv
                                the council's register of services, regulator ratings,
                                local monitoring and past reports' distributions (market
                                step; a few faults on purpose, costofcare/examples/quality.py)

Everything is deterministic: the same seed writes the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..csvout import write_csv
from ..ingest.fill import ReturnFiller
from ..templates.spec import get_spec
from .files import corrupt_bytes, normalise_zip, write_pasted, wrong_type_bytes
from .market import ExampleMarket, ProviderReturn

RUN_CONFIG = Path(__file__).parent / "data" / "run.toml"
"""The example run config written beside the example market (scenarios and recommend)."""


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
        ``comparators``, ``run_config``, ``truth``, ``register``, ``ratings``, ``indicators``,
        ``published_distributions``.
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
    tables = {
        "manifest": market.manifest(),
        "current_rates": market.current_rates,
        "volumes": market.volumes,
        "truth": market.truth,
        "comparators": shipped_comparators(),
    }
    for key, table in tables.items():
        write_csv(table, paths[key])
    paths["run_config"].write_text(RUN_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    paths.update(write_quality_files(market, outdir))
    return paths


def write_quality_files(market: ExampleMarket, outdir: str | Path) -> dict[str, Path]:
    """The market step's example files (register, ratings, indicators, published
    distributions) as ``DIR/<name>.csv``; where each went."""
    from .quality import quality_tables

    return {
        name: write_csv(table, Path(outdir) / f"{name}.csv")
        for name, table in quality_tables(market).items()
    }
