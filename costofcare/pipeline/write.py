"""Write a :class:`~costofcare.pipeline.run.RunResult` to a folder: every output of a run.

Layout (keys of the returned dict in brackets)::

    ingest/     values.csv, values.parquet, issues.csv/.parquet, returns.csv/.parquet,
                validation.xlsx                       [ingest/<file name>]
    council/    issues.csv [council_issues], rates.csv [council_rates] (the rates as matched)
    costs/      unit_costs.csv [unit_costs], market_unit_costs.csv [market_unit_costs],
                left_out.csv [left_out], workforce.csv [workforce]
    scenarios/  scenarios.csv [scenarios], by_line.csv [scenarios_by_line],
                monte_carlo_summary.csv [monte_carlo], monte_carlo_budget.csv
                [monte_carlo_budget]                   (when scenarios are configured)
    benchmark/  market_statistics.csv [market_statistics], outliers.csv [outliers],
                positions.csv [positions], comparators_rolled.csv [comparators]
    market/     register.csv, rag.csv, sustainability.csv, ... [market/<name>], issues.csv
                [market/issues]                        (when the config has [market])
    recommendation.xlsx [recommendation], summary.json [summary], providers/ [providers]

Complete or absent: :func:`write_run` writes everything into a hidden temporary folder
beside the target (``.<name>.<random>.partial``) and renames it into place only when every
file is written, so the output folder either holds the whole run or is not there. If writing
fails or is interrupted, the temporary folder is removed. (A hard kill, such as ``SIGKILL`` or
a power cut, can leave the temporary folder behind, never a partial output folder; it is safe
to delete.) An output folder that exists and is not empty is refused unless ``replace=True``,
which replaces it whole, so no file of an earlier run (an old scenario, an old provider
workbook) survives beside the new ones. A folder that holds or is one of the run's inputs,
or lies inside the returns folder, is always refused: inputs are never modified.

Every CSV file is written by :func:`costofcare.csvout.write_csv` (formula-like text defused).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ..csvout import write_csv
from ..errors import UserError
from .run import RunResult

__all__ = ["OutputFolderError", "check_output_folder", "write_run"]

_PARTIAL = ".partial"


class OutputFolderError(UserError):
    """An output folder that cannot be written: not empty (and not to be replaced), a file,
    or holding the run's inputs."""


def check_output_folder(
    outdir: str | Path, *, replace: bool = False, inputs: Iterable[str | Path] = ()
) -> Path:
    """Refuse an output folder a run must not write to, before any work is done.

    Parameters
    ----------
    outdir : the output folder asked for.
    replace : whether an existing, non-empty folder may be replaced whole.
    inputs : the run's input files and folders; the first is the returns folder.

    Returns
    -------
    The folder, resolved (symbolic links followed).

    Raises
    ------
    OutputFolderError
        ``outdir`` is a file; it exists, is not empty and ``replace`` is false; it is, or
        holds, one of ``inputs``; or it lies inside the returns folder.
    """
    target = Path(outdir).resolve()
    inputs = [Path(p).resolve() for p in inputs]
    for path in inputs:
        if path == target or target in path.parents:
            raise OutputFolderError(
                f"output folder {outdir} holds the run's input {path}: choose another folder"
            )
    if inputs and inputs[0].is_dir() and inputs[0] in target.parents:
        raise OutputFolderError(
            f"output folder {outdir} is inside the returns folder {inputs[0]}: choose another "
            "folder"
        )
    if target.exists() and not target.is_dir():
        raise OutputFolderError(f"output folder {outdir} is a file")
    if not replace and target.is_dir() and any(target.iterdir()):
        raise OutputFolderError(
            f"output folder {outdir} already exists and is not empty: choose a new folder or "
            "replace it whole with --replace"
        )
    return target


def _csv(frame: pd.DataFrame, path: Path) -> Path:
    return write_csv(frame, path)


def _write_ingest(result: RunResult, outdir: Path) -> dict[str, Path]:
    from ..ingest.batch import IngestResult
    from ..ingest.outputs import write_ingest_result

    ingest = IngestResult(values=result.values, issues=result.ingest_issues, returns=result.returns)
    written = write_ingest_result(ingest, outdir / "ingest")
    return {f"ingest/{name}": path for name, path in written.paths.items()}


def _write_tables(result: RunResult, outdir: Path) -> dict[str, Path]:
    """The council, costs, scenarios and benchmark CSV files."""
    costs, bench = outdir / "costs", outdir / "benchmark"
    paths = {
        "unit_costs": _csv(result.unit_costs_all, costs / "unit_costs.csv"),
        "left_out": _csv(result.left_out, costs / "left_out.csv"),
        "market_unit_costs": _csv(result.unit_costs, costs / "market_unit_costs.csv"),
        "workforce": _csv(result.workforce, costs / "workforce.csv"),
    }
    tables = result.scenario_tables
    if tables is not None:
        scenarios = outdir / "scenarios"
        paths["scenarios"] = _csv(tables.results, scenarios / "scenarios.csv")
        paths["scenarios_by_line"] = _csv(tables.by_line, scenarios / "by_line.csv")
        if tables.monte_carlo_summary is not None:
            paths["monte_carlo"] = _csv(
                tables.monte_carlo_summary, scenarios / "monte_carlo_summary.csv"
            )
            paths["monte_carlo_budget"] = _csv(
                tables.monte_carlo_budget, scenarios / "monte_carlo_budget.csv"
            )
    if result.council_issues is not None:
        paths["council_issues"] = _csv(result.council_issues, outdir / "council" / "issues.csv")
        paths["council_rates"] = _csv(result.rates, outdir / "council" / "rates.csv")
    paths["market_statistics"] = _csv(result.market, bench / "market_statistics.csv")
    paths["outliers"] = _csv(result.outliers, bench / "outliers.csv")
    paths["positions"] = _csv(result.positions, bench / "positions.csv")
    if result.comparators is not None:
        paths["comparators"] = _csv(result.comparators, bench / "comparators_rolled.csv")
    return paths


def write_run(result: RunResult, outdir: str | Path, *, replace: bool = False) -> dict[str, Path]:
    """Write every output of a run to ``outdir``, complete or not at all; where each went.

    The files go into a temporary folder beside ``outdir``, renamed into place once all are
    written (see the module notes). The ingest files are written as ``costofcare ingest``
    writes them (:func:`costofcare.ingest.outputs.write_ingest_result`); the workbooks and the
    JSON summary by :func:`costofcare.report.write_outputs`.

    Parameters
    ----------
    result : the run, from :func:`costofcare.pipeline.run`.
    outdir : the output folder: absent or empty, or replaced whole when ``replace`` is true.
    replace : replace an existing, non-empty ``outdir`` (nothing of it is kept).

    Raises
    ------
    OutputFolderError
        ``outdir`` cannot be written (:func:`check_output_folder`); nothing is written.
    """
    target = check_output_folder(outdir, replace=replace, inputs=_inputs(result))
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=_PARTIAL, dir=target.parent))
    try:
        paths = _write_all(result, staging)
        check_output_folder(outdir, replace=replace)  # nothing appeared there meanwhile
        _move_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return {key: Path(outdir) / path.relative_to(staging) for key, path in paths.items()}


def _inputs(result: RunResult) -> list[Path]:
    """The run's input files and folders, the returns folder first."""
    cfg = result.config
    paths = [cfg.returns, cfg.current_rates, cfg.volumes, cfg.comparators, cfg.source]
    return [Path(p) for p in paths if p is not None]


def _write_all(result: RunResult, out: Path) -> dict[str, Path]:
    """Every output of the run under ``out`` (an empty folder)."""
    from ..report import write_outputs as write_report_outputs

    paths = _write_ingest(result, out)
    paths.update(_write_tables(result, out))
    cfg = result.config
    paths.update(
        write_report_outputs(
            out,
            result.recommendations,
            unit_costs=result.unit_costs,
            market=result.market,
            scenarios=result.scenarios,
            parameters=result.parameters,
            issues=result.issues,
            config_rows=cfg.rows,
            min_count=cfg.min_count,
            council=cfg.council,
            non_confirmed=result.non_confirmed,
            **_market_report(result),
        )
    )
    _add_council_files(paths["summary"], result.summary.get("council_files"))
    if result.market_result is not None:
        from ..market import write_market

        paths.update(write_market(result.market_result, out))
        _add_section(paths["summary"], "market", result.market_result.summary)
    return paths


def _market_report(result: RunResult) -> dict:
    """The market step's workbook sheets and Providers sheet columns (none without it)."""
    market = result.market_result
    if market is None:
        return {}
    return {"extra_sheets": market.sheets, "provider_columns": market.provider_columns}


def _add_section(path: Path, key: str, section: dict) -> None:
    """Add a section to the JSON summary."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data[key] = section
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _move_into_place(staging: Path, target: Path) -> None:
    """Rename the finished ``staging`` folder to ``target``; an existing ``target`` is moved
    aside first and deleted only once the new folder is in place (put back on failure)."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
        os.rename(target, old / target.name)
    try:
        os.rename(staging, target)
    except BaseException:
        if old is not None:
            os.rename(old / target.name, target)
            old.rmdir()
        raise
    if old is not None:
        shutil.rmtree(old)


def _add_council_files(path: Path, council_files: dict | None) -> None:
    """Add the council files' rows and matching issues to the JSON summary."""
    if council_files is None:
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    data["council_files"] = council_files
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
