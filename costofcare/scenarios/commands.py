"""``costofcare scenarios CONFIG.toml -o OUT``: run the scenarios a TOML file defines."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from ..cli import add_verb, read_checked
from ..csvout import write_csv
from ..errors import EXIT_OK, UserError
from ..outfolder import output_folder
from .config import check_against_data, load_config
from .montecarlo import run_monte_carlo
from .scenario import explain_by_line, make_context, run_context

EXAMPLES = """\
examples:
  costofcare scenarios workbooks/examples/scenarios.toml -o out/scenarios
  costofcare scenarios my.toml -o out/s --unit-costs unit_costs.csv --workforce staff.csv
  costofcare scenarios my.toml -o out/s --check         check the config and inputs only
  costofcare scenarios my.toml -o out/s --runs 20000 --seed 7

OUT is written whole or not at all (a temporary folder beside it, renamed when complete); an
existing, non-empty OUT is refused unless --replace replaces it whole.

The config names the input tables ([inputs] unit_costs, workforce, volumes: CSV or Parquet,
paths relative to the config), the target period ([target] start, end), the scenarios
([defaults], [[scenario]], [grid]) and optionally [monte_carlo]. Every key is described in
docs/scenarios.md. A bad config (a typo in a key, an unknown index, a month outside the data, a
negative volume) stops before any work, naming the key and what is allowed.

writes to OUT:
  scenarios.csv                 one row per scenario x provider x service: floors, base and
                                required rate, parts, weighted-index rate, budget impact
  by_line.csv                   per cost line: bottom-up next to weighted index, the
                                difference and what explains it
  budget.csv                    budget impact per scenario (totals over providers)
  monte_carlo_summary.csv       P10/P50/P90 (or your percentiles) per provider   [monte_carlo]
  monte_carlo_budget.csv        total budget impact per run                      [monte_carlo]
  summary.md, summary.json      a short summary of the above
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    p = add_verb(
        subparsers,
        "scenarios",
        run,
        help="roll unit costs forward under wage, on-cost and inflation scenarios",
        description="Price the scenarios a TOML file defines for every provider: wage policy "
        "and differentials, statutory on-costs recomputed per worker, non-staffing indices, "
        "the weighted-index comparison, grids, Monte Carlo and budget impact.",
        epilog=EXAMPLES,
    )
    p.add_argument("config", type=Path, help="scenario config (TOML)")
    p.add_argument("-o", "--output", type=Path, required=True, help="folder for the results")
    p.add_argument("--unit-costs", type=Path, help="unit cost table (overrides [inputs])")
    p.add_argument("--workforce", type=Path, help="workforce table (overrides [inputs])")
    p.add_argument("--volumes", type=Path, help="volumes table (overrides [inputs])")
    p.add_argument("--runs", type=int, help="Monte Carlo runs (overrides [monte_carlo] runs)")
    p.add_argument("--seed", type=int, help="Monte Carlo seed (overrides [monte_carlo] seed)")
    p.add_argument("--check", action="store_true", help="check the config and inputs, then stop")
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace an existing, non-empty output folder whole (refused without it)",
    )


#: Columns the scenarios need beyond each declared table's required ones.
_NEEDS = {"unit_costs": ("period_start", "period_end"), "volumes": ("current_rate",)}


def _read(table: str, paths: dict) -> pd.DataFrame:
    """One input table (CSV or Parquet) checked against its declaration in
    :mod:`costofcare.tables`: every problem is named with its line, old spellings are read
    with a warning on stderr, and any error stops the run."""
    return read_checked(table, paths[table], UserError, require=_NEEDS.get(table, ()))


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    paths = dict(config.inputs)
    for key in ("unit_costs", "workforce", "volumes"):
        if getattr(args, key) is not None:
            paths[key] = getattr(args, key)
    for key in ("unit_costs", "workforce"):
        if key not in paths:
            raise UserError(
                f"{args.config}: [inputs] {key} is missing (or pass --{key.replace('_', '-')})"
            )
    unit_costs = _read("unit_costs", paths)
    workforce = _read("workforce", paths)
    volumes = _read("volumes", paths) if "volumes" in paths else None
    ctx = make_context(unit_costs, workforce, volumes, config.settings, None, config.series)
    mc = config.monte_carlo
    if mc is not None:
        if args.runs is not None:
            mc.runs = args.runs
        if args.seed is not None:
            mc.seed = args.seed
        if mc.runs < 1:
            raise UserError(f"--runs must be 1 or more, got {mc.runs}")
    check_against_data(config, ctx)
    if args.check:
        print(
            f"{args.config}: OK - {len(config.scenarios)} scenario(s), "
            f"{len(ctx.inputs.keys)} provider-service unit(s)"
            + (f", Monte Carlo {mc.runs} runs" if mc else "")
        )
        return EXIT_OK

    inputs = [args.config, *paths.values()]
    with output_folder(args.output, replace=args.replace, inputs=inputs) as out:
        text = _write(args, config, ctx, mc, out)
    print(text)
    return EXIT_OK


def _write(args: argparse.Namespace, config, ctx, mc, out: Path) -> str:
    """Run the scenarios and write every file into ``out``; the summary text."""
    results = run_context(ctx, config.scenarios)
    write_csv(results, out / "scenarios.csv")
    write_csv(explain_by_line(ctx, config.scenarios), out / "by_line.csv")
    budget = budget_totals(results)
    write_csv(budget, out / "budget.csv")
    summary = {
        "config": str(args.config),
        "target": [
            config.settings.target_start.isoformat(),
            config.settings.target_end.isoformat(),
        ],
        "scenarios": len(config.scenarios),
        "units": int(len(ctx.inputs.keys)),
        "budget": budget.to_dict(orient="records"),
    }
    mc_result = None
    if mc is not None:
        mc_result = run_monte_carlo(ctx, mc.scenario, mc.inputs, mc.runs, mc.seed, mc.percentiles)
        write_csv(mc_result.summary, out / "monte_carlo_summary.csv")
        write_csv(mc_result.budget, out / "monte_carlo_budget.csv")
        summary["monte_carlo"] = {
            **mc_result.settings,
            "budget": mc_result.budget_summary.to_dict(orient="records"),
        }
    text = summary_markdown(summary, budget, mc_result)
    (out / "summary.md").write_text(text, encoding="utf-8")
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str), "utf-8")
    return text


def budget_totals(results: pd.DataFrame) -> pd.DataFrame:
    """Per scenario: mean uplift, and budget totals over providers with volumes."""
    budget_cols = [c for c in results.columns if c.startswith("budget_")]
    grouped = results.groupby("scenario", sort=False)
    out = grouped.agg(
        units=("provider", "size"),
        mean_uplift=("uplift", "mean"),
        mean_weighted_index_uplift=("weighted_index_uplift", "mean"),
        **{c: (c, lambda s: s.sum(min_count=1)) for c in budget_cols},
    )
    return out.reset_index()


def summary_markdown(summary: dict, budget: pd.DataFrame, mc_result) -> str:
    """The short summary printed and written to ``summary.md``."""
    lines = [
        f"# Scenarios: {summary['config']}",
        "",
        f"Target period {summary['target'][0]} to {summary['target'][1]}; "
        f"{summary['scenarios']} scenario(s) x {summary['units']} provider-service unit(s).",
        "",
        "| scenario | mean uplift | weighted-index uplift | budget, full year | "
        "budget, part year |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in budget.itertuples(index=False):
        lines.append(
            f"| {row.scenario} | {row.mean_uplift:.2%} | {row.mean_weighted_index_uplift:.2%} | "
            f"{_money(row.budget_full_year)} | {_money(row.budget_part_year)} |"
        )
    if mc_result is not None:
        s = mc_result.settings
        lines += [
            "",
            f"Monte Carlo: scenario {s['scenario']!r}, {s['runs']} runs, seed {s['seed']}; "
            "inputs: " + ", ".join(f"{k} ~ {v}" for k, v in s["inputs"].items()),
            "",
        ]
        table = mc_result.budget_summary
        cols = [c for c in table.columns if c.startswith("p")]
        lines.append("| total | mean | " + " | ".join(cols) + " |")
        lines.append("|---|---:|" + "---:|" * len(cols))
        for row in table.to_dict(orient="records"):
            lines.append(
                f"| {row['measure']} | {_money(row['mean'])} | "
                + " | ".join(_money(row[c]) for c in cols)
                + " |"
            )
    return "\n".join(lines) + "\n"


def _money(value) -> str:
    if value is None or pd.isna(value):
        return "-"
    return f"£{value:,.0f}"
