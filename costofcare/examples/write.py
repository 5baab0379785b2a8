"""Write an example market to a folder: returns in the real templates, and the council's tables.

Layout written by :func:`write_market`::

    DIR/returns/*.xlsx          one return per provider, filled into the real templates
    DIR/returns/MANIFEST.csv    every deliberate fault and messy entry, with the issue expected
    DIR/current_rates.csv       the council's current rate per provider and service
    DIR/volumes.csv             commissioned volume per provider and service (a week)
    DIR/comparators.csv         what other councils pay (the shipped comparator table)
    DIR/run.toml                an example run config (scenarios and recommendations)
    DIR/truth.csv               the clean cost per unit of each provider, before any fault
    DIR/register.csv            the council's register of services (one per return): locality,
                                contract, capacity, DPS tier and zone (market step)
    DIR/ratings.csv, indicators.csv, published_distributions.csv
                                regulator ratings, local monitoring and past reports'
                                distributions (quality and risk; costofcare/examples/quality.py)
    DIR/market/*.csv            spend, demand, events, contracts and funding (market shape;
                                costofcare/examples/shape.py); a few faults on purpose in both

Everything is deterministic: the same seed writes the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..csvout import write_csv
from ..ingest.fill import ReturnFiller
from ..tables.catalogue import REGISTER
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
    paths.update(write_market_files(market, outdir))
    return paths


def write_market_files(market: ExampleMarket, outdir: str | Path) -> dict[str, Path]:
    """The market step's example files: one register (``DIR/register.csv``) read by both of
    its parts, the quality files (ratings, indicators, published distributions) beside it and
    the market shape files under ``DIR/market/``; where each went."""
    from .quality import quality_tables
    from .shape import shape_tables

    outdir = Path(outdir)
    quality = quality_tables(market)
    shape = shape_tables(market)
    quality["register"] = one_register(quality["register"], shape.pop("register"))
    paths = {name: write_csv(table, outdir / f"{name}.csv") for name, table in quality.items()}
    for name, table in shape.items():
        paths[f"market_{name}"] = write_csv(table, outdir / "market" / f"{name}.csv")
    return paths


def one_register(quality: pd.DataFrame, shape: pd.DataFrame) -> pd.DataFrame:
    """The quality register (faults and all) with the market shape columns it lacks (tier,
    zone) and, where it gives no capacity, the shape register's capacity with its unit."""
    extra = shape.drop_duplicates("registration_number").set_index("registration_number")
    out = quality.copy()
    number = out["registration_number"]
    for column in ("tier", "zone"):
        out[column] = number.map(extra[column])
    no_capacity = ~_given(out["capacity"]) if "capacity" in out else number.map(lambda _: True)
    unit = out["capacity_unit"] if "capacity_unit" in out else pd.Series("", index=out.index)
    out["capacity"] = (out["capacity"] if "capacity" in out else pd.Series(index=out.index)).where(
        ~no_capacity, number.map(extra["capacity"])
    )
    out["capacity_unit"] = unit.where(
        ~no_capacity & _given(unit), number.map(extra["capacity_unit"])
    )
    order = [c for c in REGISTER.names if c in out] + [c for c in out if c not in REGISTER.names]
    return out[order]


def _given(column: pd.Series) -> pd.Series:
    return column.notna() & (column.astype(str).str.strip() != "")
