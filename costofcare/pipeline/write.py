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
    recommendation.xlsx [recommendation], summary.json [summary], providers/ [providers]
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .run import RunResult

__all__ = ["write_run"]


def _csv(frame: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path


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


def write_run(result: RunResult, outdir: str | Path) -> dict[str, Path]:
    """Write every output of a run under ``outdir`` (created) and return where each went.

    The ingest files are written as ``costofcare ingest`` writes them
    (:func:`costofcare.ingest.outputs.write_ingest_result`); the workbooks and the JSON
    summary by :func:`costofcare.report.write_outputs`. The module notes give the layout.
    """
    from ..report import write_outputs as write_report_outputs

    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
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
        )
    )
    _add_council_files(paths["summary"], result.summary.get("council_files"))
    return paths


def _add_council_files(path: Path, council_files: dict | None) -> None:
    """Add the council files' rows and matching issues to the JSON summary."""
    if council_files is None:
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    data["council_files"] = council_files
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
