"""Load the committed example market as the tables each step takes (for notebooks and demos).

:func:`load_example` ingests the example returns, keeps the returns that read without
errors, and builds:

* ``unit_costs``: reported (top-down) unit costs per provider and cost line
  (:func:`costofcare.costs.reported_unit_cost`);
* ``workforce``: one row per staffing-table row (``provider, role, hourly_rate, weekly_hours,
  headcount``), as the scenario engine takes it;
* ``volumes``: commissioned volume a week with the current rate beside it
  (``provider, service, volume_per_week, volume_unit, current_rate``);

plus the council's tables, the comparators and the parsed ``run.toml``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

EXAMPLE_FOLDER_PARTS = ("workbooks", "examples")


def default_folder() -> Path:
    """``workbooks/examples`` of the source tree this package was imported from."""
    return Path(__file__).resolve().parents[2].joinpath(*EXAMPLE_FOLDER_PARTS)


@dataclass
class ExampleInputs:
    """The example market read and shaped for the analysis steps (see the module notes)."""

    folder: Path
    ingest: object
    unit_costs: pd.DataFrame
    workforce: pd.DataFrame
    volumes: pd.DataFrame
    current_rates: pd.DataFrame
    comparators: pd.DataFrame
    config: dict

    def _repr_html_(self) -> str:
        status = self.ingest.returns["status"].value_counts().rename("returns").to_frame()
        return (
            f"<p><b>Example inputs</b> from <code>{self.folder.name}</code>: "
            f"{self.unit_costs['provider'].nunique()} providers with unit costs, "
            f"{len(self.workforce)} staffing rows</p>" + status._repr_html_()
        )


def workforce_from_values(values: pd.DataFrame) -> pd.DataFrame:
    """Staffing-table rows of ingested tidy values as a workforce table.

    ``hourly_rate`` is basic pay plus average enhancements; ``weekly_hours`` is the row's paid
    hours a week divided by its headcount (hours per worker).
    """
    staff = values[values["table"] == "staff_roles"]
    wide = staff.pivot_table(
        index=["provider", "return_id", "row"], columns="field", values="value", aggfunc="first"
    )
    roles = staff[staff["field"] == "role"].set_index(["provider", "return_id", "row"])["text"]
    wide = wide.join(roles.rename("role"))
    enhancement = wide.get("enhancements_per_hour", pd.Series(0.0, index=wide.index))
    out = pd.DataFrame(
        {
            "role": wide["role"],
            "hourly_rate": wide["basic_rate_per_hour"] + enhancement.fillna(0.0),
            "weekly_hours": wide["paid_hours_per_week"] / wide["headcount"],
            "headcount": wide["headcount"],
        }
    ).reset_index()
    out = out.dropna(subset=["hourly_rate", "weekly_hours", "headcount"])
    return out[out["headcount"] > 0][
        ["provider", "role", "hourly_rate", "weekly_hours", "headcount"]
    ].reset_index(drop=True)


def load_example(folder: str | Path | None = None, *, workers: int = 1) -> ExampleInputs:
    """Read the example market in ``folder`` (default: the committed ``workbooks/examples``).

    Returns that ingest rejects or reads with errors are left out of the analysis tables
    (they stay in ``ingest`` with their issues).
    """
    from ..costs import reported_unit_cost
    from ..ingest.batch import ingest_files

    folder = Path(folder) if folder is not None else default_folder()
    result = ingest_files([folder / "returns"], workers=workers)
    usable = result.returns.loc[result.returns["status"].isin(["clean", "warnings"]), "return_id"]
    values = result.values[result.values["return_id"].isin(set(usable))]
    # a provider that sent two returns: keep the later file (its resubmission)
    latest = (
        result.returns[result.returns["return_id"].isin(set(usable))]
        .sort_values("file")
        .drop_duplicates(["provider", "service"], keep="last")["return_id"]
    )
    values = values[values["return_id"].isin(set(latest))]
    unit_costs = reported_unit_cost(values)
    unit_costs = unit_costs[unit_costs["route"] == "reported"].reset_index(drop=True)
    rates = pd.read_csv(folder / "current_rates.csv")
    volumes = pd.read_csv(folder / "volumes.csv").merge(
        rates[["provider", "service", "current_rate"]], on=["provider", "service"], how="left"
    )
    have_costs = unit_costs[["provider", "service"]].drop_duplicates()
    volumes = volumes.merge(have_costs, on=["provider", "service"], how="inner")
    config = tomllib.loads((folder / "run.toml").read_text(encoding="utf-8"))
    return ExampleInputs(
        folder=folder,
        ingest=result,
        unit_costs=unit_costs,
        workforce=workforce_from_values(values),
        volumes=volumes,
        current_rates=rates,
        comparators=pd.read_csv(folder / "comparators.csv"),
        config=config,
    )
