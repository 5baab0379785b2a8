"""Command line: ``costofcare run CONFIG -o OUT`` and ``costofcare demo``.

Each runs the pipeline in memory (:func:`costofcare.pipeline.run`), writes every output
(:func:`costofcare.pipeline.write_run`) and prints the headline results and where each
output is.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..cli import add_verb, progress_wanted
from .config import example_config
from .run import RunResult, run
from .write import check_output_folder, write_run

RUN_EXAMPLES = """\
examples:
  costofcare run workbooks/examples/run.toml -o out/run
  costofcare run my-council/run.toml -o out/2026-27 --workers 4

The config's [run] table names the returns folder, current rates and volumes; [scenarios]
and [recommend.<service>] are described in docs/scenarios.md and docs/recommend.md.
Exit code 0 when every return was read cleanly or with warnings, 3 when the run finished but
some returns were rejected or had errors (see ingest/validation.xlsx), 2 for a usage mistake.
"""

DEMO_EXAMPLES = """\
examples:
  costofcare demo                 # writes everything into out/demo
  costofcare demo -o /tmp/demo

Runs the whole pipeline on the bundled example market (workbooks/examples/): 66 provider
returns for Anytown Council, some deliberately messy or faulty, with current rates, volumes
and comparator rates.
"""

SHOWN = [
    ("recommendation workbook", "recommendation"),
    ("decision summary (open in a browser)", "decision"),
    ("JSON summary", "summary"),
    ("provider outcome workbooks", "providers"),
    ("validation workbook (what to chase)", "ingest/validation.xlsx"),
    ("tidy values read", "ingest/values.csv"),
    ("issues", "ingest/issues.csv"),
    ("council files' issues (matching)", "council_issues"),
    ("unit costs (every readable return)", "unit_costs"),
    ("unit costs used for the market", "market_unit_costs"),
    ("market statistics", "market_statistics"),
    ("scenarios", "scenarios"),
    ("Monte Carlo", "monte_carlo"),
    ("comparators rolled forward", "comparators"),
    ("RAG per service, with reasons", "market/rag"),
    ("providers at risk under each option", "market/at_risk"),
    ("market step's issues", "market/issues"),
]
"""(label, key of :func:`write_run`'s paths) of the outputs listed after a run."""


def headline(result: RunResult) -> str:
    """The headline results of a run, as a few lines of text."""
    lines = [
        f"Recommended rates{' for ' + result.config.council if result.config.council else ''}:"
    ]
    for service, item in result.summary.get("services", {}).items():
        rate = item.get("recommended_rate") or item.get("average_proposed_rate")
        uplift = item.get("uplift") or item.get("average_uplift")
        impact = item.get("budget_impact_annual") or item.get("impact_annual")
        parts = [f"  {service:<21}"]
        if rate is not None:
            parts.append(f"£{rate:,.2f} per {item.get('unit', 'unit')}")
        if uplift is not None:
            parts.append(f"uplift {uplift:.1%}")
        if impact is not None:
            parts.append(f"budget impact £{impact:,.0f} a year")
        if item.get("providers_behind") is not None:
            parts.append(f"({item['providers_behind']} providers' cost returns behind it)")
        if item.get("fnc_per_week"):
            parts.append(f"+ NHS-funded nursing care £{item['fnc_per_week']['value']:,.2f}")
        lines.append("  ".join(parts))
    for service, totals in result.summary.get("service_totals", {}).items():
        if totals.get("markets", 1) > 1:  # priced per care category: added up
            lines.append(
                f"  {service + ', all':<21}  budget impact "
                f"£{totals['budget_impact_annual']:,.0f} a year"
            )
    total = result.summary.get("total", {})
    if total:
        lines.append(f"  total budget impact £{total.get('budget_impact_annual', 0):,.0f} a year")
    # too few providers behind a rate (costofcare.recommend.sample)
    lines += [f"  warning: {w}" for w in result.summary.get("sample_warnings", [])]
    return "\n".join(lines)


CONFIRMED_LINE = "Every dated figure the run used is confirmed (set in law or published as final)."


def not_confirmed_block(result: RunResult) -> str:
    """The dated figures the run used that are not yet confirmed, one line each (name,
    value, status, period), or one line saying every one is confirmed."""
    rows = result.summary.get("non_confirmed")
    if rows is None:
        return ""
    if not rows:
        return CONFIRMED_LINE
    lines = ["Figures not yet confirmed (see the Summary sheet and summary.json):"]
    for row in rows:
        until = row["effective_to"] or "open"
        value = " ".join(filter(None, (f"{row['value']:g}", row["unit"])))
        lines.append(
            f"  {row['name']} = {value}, {row['status']}, {row['effective_from']} to {until}"
        )
    return "\n".join(lines)


def dump_summary(result: RunResult) -> str:
    """The run's summary as JSON text."""
    return json.dumps(result.summary, indent=2, default=str)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=None, help="processes for reading returns")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="replace an existing, non-empty output folder whole (refused without it)",
    )


def register(subparsers) -> None:
    """Add ``run`` and ``demo`` to the ``costofcare`` command line."""
    p = add_verb(
        subparsers,
        "run",
        _run_command,
        help="run the whole pipeline (ingest, unit costs, scenarios, benchmarks, recommendation)",
        description="Run the whole cost of care pipeline for a council's config and write "
        "every output: tidy data and a validation workbook, unit costs, scenarios, "
        "benchmarks, the recommendation workbook, provider outcome workbooks and a JSON summary.",
        epilog=RUN_EXAMPLES,
    )
    p.add_argument("config", help="run config (TOML)")
    p.add_argument("-o", "--output", required=True, help="folder for the outputs (created)")
    _add_common(p)

    d = add_verb(
        subparsers,
        "demo",
        _demo_command,
        help="run the whole pipeline on the bundled example market",
        description="Run the whole pipeline on the bundled example market and print the "
        "headline results and where each output is.",
        epilog=DEMO_EXAMPLES,
    )
    d.add_argument("-o", "--output", default="out/demo", help="output folder (default out/demo)")
    _add_common(d)


def _run_and_write(config, args) -> tuple[RunResult, dict[str, Path]]:
    out = Path(args.output)
    check_output_folder(out, replace=args.replace)  # before the work, not after
    result = run(config, workers=args.workers, progress=progress_wanted(args), say=print)
    paths = write_run(result, out, replace=args.replace)
    print(f"      written to {out}")
    return result, paths


def _report(result: RunResult, paths: dict[str, Path], out: Path) -> int:
    from ..errors import EXIT_OK, EXIT_VALIDATION_ERRORS

    print()
    print(headline(result))
    unconfirmed = not_confirmed_block(result)
    if unconfirmed:
        print()
        print(unconfirmed)
    print()
    print(f"Outputs in {out}:")
    for label, key in SHOWN:
        if key in paths:
            print(f"  {label:<38} {paths[key]}")
    unmatched = result.summary.get("council_files", {}).get("unmatched", {})
    if unmatched:
        counts = ", ".join(f"{n} {code}" for code, n in unmatched.items())
        print(
            f"\nCouncil files: {sum(unmatched.values())} row(s) not matched ({counts}): see "
            "council/issues.csv."
        )
    bad = result.returns["status"].isin(["rejected", "errors"]).sum()
    if bad:
        print(f"\n{bad} return(s) were rejected or have errors: see the validation workbook.")
        return EXIT_VALIDATION_ERRORS
    return EXIT_OK


def _run_command(args) -> int:
    result, paths = _run_and_write(args.config, args)
    return _report(result, paths, Path(args.output))


def _demo_command(args) -> int:
    result, paths = _run_and_write(example_config(), args)
    _report(result, paths, Path(args.output))
    return 0  # the example market has faulty returns on purpose
