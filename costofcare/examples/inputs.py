"""Load the committed example market as the tables each step takes (for notebooks and demos).

:func:`load_example` reads the example's ``run.toml`` and builds the tables with the
pipeline's own steps (:func:`costofcare.pipeline.market_tables`), so a notebook works on
exactly the tables ``costofcare run`` builds from the same returns:

* ``unit_costs``: reported (top-down) unit costs per provider and cost line of the returns
  that feed the market (:func:`costofcare.costs.choose_returns`), on the market route;
* ``workforce``: one row per usable staffing-table row of those returns (``provider,
  service, return_id, role, rate_per_hour, hours_per_week, headcount``;
  :func:`costofcare.costs.workforce_from_values`);
* ``volumes``: commissioned volume a week with the current rate beside it
  (``provider, service, volume_per_week, volume_unit, current_rate, care_category``);
* ``nursing_care``: each care home return's cost with and without NHS-funded nursing care
  (:func:`costofcare.costs.costs_excluding_fnc`; nursing and dual care home rates are set
  against the cost without it);
* ``issues``: the returns left out and the staffing rows not used, as issue rows;

plus the council's rates (with volumes), the comparators and the parsed ``run.toml``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

EXAMPLE_FOLDER_PARTS = ("workbooks", "examples")


def default_folder() -> Path:
    """The example market: ``workbooks/examples`` of the source tree this package was
    imported from, or, in an installation without the source tree (``pip install`` of a
    wheel), the same market generated once into the user's cache (:func:`generated_folder`).
    """
    committed = Path(__file__).resolve().parents[2].joinpath(*EXAMPLE_FOLDER_PARTS)
    if (committed / "run.toml").is_file():
        return committed
    return generated_folder()


def _cache_root() -> Path:
    """The user's cache folder: ``%LOCALAPPDATA%`` on Windows, ``$XDG_CACHE_HOME`` or
    ``~/.cache`` elsewhere (``COSTOFCARE_CACHE`` overrides both)."""
    import os

    for variable in ("COSTOFCARE_CACHE", "LOCALAPPDATA", "XDG_CACHE_HOME"):
        if os.environ.get(variable):
            root = Path(os.environ[variable])
            return root if variable == "COSTOFCARE_CACHE" else root / "costofcare"
    return Path.home() / ".cache" / "costofcare"


def generated_folder() -> Path:
    """The seeded example market (the committed one's generator and seed), written once into
    the user's cache and reused; a folder left half-written is written again."""
    import shutil
    import tempfile

    from .. import __version__
    from .market import generate_market
    from .write import write_market

    folder = _cache_root() / f"example-market-{__version__}"
    if (folder / "COMPLETE").is_file():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=".example-") as tmp:
        write_market(generate_market(), Path(tmp) / "market")
        (Path(tmp) / "market" / "COMPLETE").write_text("written by costofcare\n")
        shutil.rmtree(folder, ignore_errors=True)
        Path(tmp, "market").replace(folder)
    return folder


@dataclass(repr=False)
class ExampleInputs:
    """The example market read and shaped for the analysis steps (see the module notes)."""

    folder: Path
    ingest: object
    unit_costs: pd.DataFrame
    workforce: pd.DataFrame
    volumes: pd.DataFrame
    current_rates: pd.DataFrame
    comparators: pd.DataFrame
    issues: pd.DataFrame
    config: dict
    nursing_care: pd.DataFrame | None = None

    def __repr__(self) -> str:
        # short, and without the folder's absolute path (notebooks are committed with outputs)
        return (
            f"ExampleInputs(folder={self.folder.name!r}: "
            f"{self.unit_costs['provider'].nunique()} providers with unit costs, "
            f"{len(self.workforce)} staffing rows, {len(self.issues)} issues)"
        )

    def _repr_html_(self) -> str:
        status = self.ingest.returns["status"].value_counts().rename("returns").to_frame()
        return (
            f"<p><b>Example inputs</b> from <code>{self.folder.name}</code>: "
            f"{self.unit_costs['provider'].nunique()} providers with unit costs, "
            f"{len(self.workforce)} staffing rows</p>" + status._repr_html_()
        )


def load_example(folder: str | Path | None = None, *, workers: int = 1) -> ExampleInputs:
    """Read the example market in ``folder`` (default: the committed ``workbooks/examples``).

    The folder is laid out as a run: ``run.toml`` naming the returns, current rates,
    volumes and comparators. Returns that ingest rejects or reads with errors, and a
    provider's second return for a service, are left out of the analysis tables (they stay
    in ``ingest`` with their issues, and ``issues`` says why each was left out).
    """
    from ..parameters import load
    from ..pipeline import load_run_config, market_tables, read_council_rates
    from ..pipeline.steps import ingest_returns, nursing_care

    folder = Path(folder) if folder is not None else default_folder()
    cfg = load_run_config(folder / "run.toml")
    ingest = ingest_returns(cfg, workers=workers)
    rates, council_issues = read_council_rates(
        cfg.current_rates,
        cfg.volumes,
        ingest.returns,
        on_unmatched=cfg.on_unmatched,
        values=ingest.values,
    )
    tables = market_tables(cfg, ingest, rates)
    return ExampleInputs(
        folder=folder,
        ingest=ingest,
        unit_costs=tables.unit_costs,
        workforce=tables.workforce,
        volumes=tables.volumes,
        current_rates=rates,
        comparators=pd.read_csv(cfg.comparators) if cfg.comparators else pd.DataFrame(),
        issues=pd.concat([council_issues, tables.issues], ignore_index=True),
        config=tomllib.loads(cfg.source.read_text(encoding="utf-8")),
        nursing_care=nursing_care(tables.unit_costs, ingest.values, load()),
    )
