"""Write a :class:`~costofcare.pipeline.run.RunResult` to a folder: every output of a run.

Layout (keys of the returned dict in brackets)::

    ingest/     values.csv, values.parquet, issues.csv/.parquet, returns.csv/.parquet,
                validation.xlsx                       [ingest/<file name>]
    council/    issues.csv [council_issues], rates.csv [council_rates] (the rates as matched)
    costs/      unit_costs.csv [unit_costs], market_unit_costs.csv [market_unit_costs],
                left_out.csv [left_out], workforce.csv [workforce], trace.csv [trace] (each
                market unit cost line and the return cells it came from)
    scenarios/  scenarios.csv [scenarios], by_line.csv [scenarios_by_line],
                monte_carlo_summary.csv [monte_carlo], monte_carlo_budget.csv
                [monte_carlo_budget]                   (when scenarios are configured)
    benchmark/  market_statistics.csv [market_statistics], outliers.csv [outliers],
                positions.csv [positions], comparators_rolled.csv [comparators]
    market/     register.csv, rag.csv, sustainability.csv, ... [market/<name>], issues.csv
                [market/issues]                        (when the config has [market])
    recommendation.xlsx [recommendation], decision.html [decision], summary.json [summary],
    providers/ [providers], manifest.json [manifest] (every input and output with its SHA-256)

Complete or absent: :func:`write_run` writes everything into a hidden temporary folder
beside the target and renames it into place only when every file is written
(:func:`costofcare.outfolder.output_folder`, the mechanism every command that writes a
folder shares), so the output folder either holds the whole run or is not there. An output
folder that exists and is not empty is refused unless ``replace=True``, which replaces it
whole, so no file of an earlier run (an old scenario, an old provider workbook) survives
beside the new ones. A folder that holds or is one of the run's inputs, or lies inside the
returns folder, is always refused: inputs are never modified.

The audit trail: ``costs/trace.csv`` links each market unit cost line to the return cells it
came from (:mod:`costofcare.audit.trace`), and ``manifest.json``, written last, lists every
input and output with its SHA-256 (:mod:`costofcare.audit.manifest`). Every time written into
the outputs is the run's one time (``SOURCE_DATE_EPOCH``, else ``run.written``, else now;
:mod:`costofcare.audit.clock`), so the same inputs and config give byte-identical files.

Every CSV file is written by :func:`costofcare.csvout.write_csv` (formula-like text defused).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from ..audit.clock import resolve_written_time, written_at
from ..audit.trace import trace_table
from ..csvout import write_csv
from ..outfolder import OutputFolderError, check_output_folder, output_folder
from .run import RunResult

__all__ = ["OutputFolderError", "check_output_folder", "write_run"]


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
    paths["trace"] = _csv(trace_table(result.unit_costs, result.values), costs / "trace.csv")
    return paths


def write_run(
    result: RunResult,
    outdir: str | Path,
    *,
    replace: bool = False,
    written: dt.datetime | None = None,
) -> dict[str, Path]:
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
    written : the time written into the outputs; by default ``SOURCE_DATE_EPOCH``, else the
        config's ``run.written``, else now (``costofcare verify`` passes the manifest's).

    Raises
    ------
    OutputFolderError
        ``outdir`` cannot be written (:func:`check_output_folder`); nothing is written.
    """
    from ..audit.manifest import write_manifest

    when = written or resolve_written_time(result.config.written)
    with (
        output_folder(outdir, replace=replace, inputs=_inputs(result)) as staging,
        written_at(when),
    ):
        paths = _write_all(result, staging)
        paths["manifest"] = write_manifest(result, staging, when)
    return {key: Path(outdir) / path.relative_to(staging) for key, path in paths.items()}


def _inputs(result: RunResult) -> list[Path]:
    """The run's input files and folders, the returns folder first."""
    cfg = result.config
    paths = [cfg.returns, cfg.current_rates, cfg.volumes, cfg.comparators, cfg.source]
    return [Path(p) for p in paths if p is not None]


def _write_all(result: RunResult, out: Path) -> dict[str, Path]:
    """Every output of the run under ``out`` (an empty folder)."""
    from ..report import decision_summary
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
            decision=decision_summary(result),
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


def _add_council_files(path: Path, council_files: dict | None) -> None:
    """Add the council files' rows and matching issues to the JSON summary."""
    if council_files is not None:
        _add_section(path, "council_files", council_files)
