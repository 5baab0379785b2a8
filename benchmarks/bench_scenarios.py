"""Benchmark: the vectorised scenario engine against a plain per-provider Python loop.

Runs 1,000 providers x 10,000 Monte Carlo draws (10 million provider-scenarios) through
:func:`costofcare.scenarios.run_monte_carlo`, and the same model written as a per-provider,
per-scenario loop (:mod:`costofcare.scenarios.reference`) on a subset (50 providers x 200
draws), extrapolated per provider-scenario. Both run in this process on the same synthetic
inputs, interleaved in rounds (default 3: engine, then loop), so both see the same machine;
the speed-up is given per round and as the median. Peak memory of the
vectorised run is measured with ``tracemalloc`` at two block sizes to show it is set by the
block (``max_cells``), not by providers x draws.

    .venv/bin/python benchmarks/bench_scenarios.py              # full size
    .venv/bin/python benchmarks/bench_scenarios.py --providers 200 --runs 2000   # quicker
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from datetime import date

import numpy as np
import pandas as pd

from costofcare.parameters import load
from costofcare.scenarios import (
    Distribution,
    Indexation,
    RunSettings,
    Scenario,
    WagePolicy,
    make_context,
    run_monte_carlo,
)
from costofcare.scenarios.montecarlo import draw_inputs, scenario_draws
from costofcare.scenarios.reference import required_rates_loop
from costofcare.scenarios.scenario import DEFAULT_MAX_CELLS

NON_STAFFING_LINES = ("Mileage", "Rent, rates and utilities", "Back office", "Insurance", "IT")


def synthetic_tables(n_providers: int, seed: int = 0):
    """Home care providers with 3-8 roles and a full set of cost lines each."""
    rng = np.random.default_rng(seed)
    uc, wf, vol = [], [], []
    period = ("2025-04-01", "2026-03-31")
    for i in range(n_providers):
        p = f"P{i:05d}"
        lines = [
            ("Direct care", "staffing", rng.uniform(13, 17)),
            ("Travel time", "staffing", rng.uniform(1.5, 3.5)),
            ("Employer NI", "staffing", rng.uniform(0.8, 1.8)),
            ("Employer pension", "staffing", rng.uniform(0.2, 0.5)),
            *((line, "non_staffing", rng.uniform(0.3, 2.5)) for line in NON_STAFFING_LINES),
            ("Return on operations", "return", rng.uniform(0.5, 1.5)),
        ]
        uc += [(p, "home_care", n, c, v, "contact_hour", *period) for n, c, v in lines]
        for r in range(int(rng.integers(3, 9))):
            wf.append(
                (p, f"role{r}", rng.uniform(12.21, 17), rng.uniform(8, 40), rng.integers(1, 40))
            )
        vol.append((p, "home_care", rng.uniform(200, 3000), "contact hours", rng.uniform(24, 30)))
    return (
        pd.DataFrame(
            uc,
            columns=[
                "provider", "service", "cost_line", "category", "cost_per_unit", "unit",
                "period_start", "period_end",
            ],
        ),
        pd.DataFrame(wf, columns=["provider", "role", "hourly_rate", "weekly_hours", "headcount"]),
        pd.DataFrame(
            vol, columns=["provider", "service", "volume_per_week", "volume_unit", "current_rate"]
        ),
    )  # fmt: skip


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--loop-providers", type=int, default=50)
    parser.add_argument("--loop-runs", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-cells", type=int, default=DEFAULT_MAX_CELLS)
    args = parser.parse_args(argv)

    params = load()
    uc, wf, vol = synthetic_tables(args.providers)
    settings = RunSettings(date(2026, 4, 1), date(2027, 3, 31))
    scenario = Scenario(
        "NLW",
        WagePolicy("national_living_wage", "percent"),
        Indexation("CPI", "2025-03", "2026-03"),
    )
    inputs = {
        "floor_per_hour": Distribution.from_dict(
            {"dist": "triangular", "low": 12.71, "mode": 12.71, "high": 13.2}, "floor"
        ),
        "index.CPI": Distribution.from_dict({"dist": "normal", "mean": 0.03, "sd": 0.01}, "cpi"),
        "employer_ni_threshold_annual": Distribution.from_dict(
            {"dist": "uniform", "low": 5000, "high": 6000}, "st"
        ),
    }
    ctx = make_context(uc, wf, vol, settings, params)
    n_roles = ctx.inputs.rate_per_hour.shape[1]
    print(
        f"{args.providers} providers (up to {n_roles} roles, {len(NON_STAFFING_LINES) + 5} lines "
        f"each) x {args.runs} Monte Carlo draws, 3 uncertain inputs"
    )

    # the loop on a subset: first providers, first draws of the same draws
    chosen = sorted(uc.provider.unique())[: args.loop_providers]
    sub = make_context(
        uc[uc.provider.isin(chosen)], wf, vol[vol.provider.isin(chosen)], settings, params
    )
    draws = draw_inputs(inputs, args.runs, seed=1)
    arrays = scenario_draws(sub, scenario, draws).take(slice(0, args.loop_runs))

    rounds = []
    for r in range(1, max(1, args.rounds) + 1):
        start = time.perf_counter()
        result = run_monte_carlo(ctx, scenario, inputs, args.runs, seed=1, max_cells=args.max_cells)
        vector_seconds = time.perf_counter() - start
        start = time.perf_counter()
        loop = required_rates_loop(sub.inputs, sub.base_figures, arrays)
        loop_seconds = time.perf_counter() - start
        vector_rate = args.providers * args.runs / vector_seconds
        loop_rate = args.loop_providers * args.loop_runs / loop_seconds
        rounds.append((vector_seconds, vector_rate, loop_seconds, loop_rate))
        print(
            f"  round {r}: engine {vector_rate:,.0f}/s, loop {loop_rate:,.0f}/s, "
            f"{vector_rate / loop_rate:,.0f} x",
            flush=True,
        )
    check = sub.evaluate(arrays, slice(None))["required_rate"]
    agree = np.allclose(check, np.array(loop), rtol=1e-12)
    ratios = sorted(v / lp for _, v, _, lp in rounds)
    vector_seconds, vector_rate, loop_seconds, loop_rate = sorted(
        rounds, key=lambda x: x[1] / x[3]
    )[len(rounds) // 2]

    peaks = []
    for cells in (args.max_cells, args.max_cells * 8):
        tracemalloc.start()
        run_monte_carlo(ctx, scenario, inputs, min(args.runs, 2000), seed=1, max_cells=cells)
        peaks.append((cells, tracemalloc.get_traced_memory()[1] / 2**20))
        tracemalloc.stop()

    print(f"vectorised: {vector_seconds:8.2f} s  {vector_rate:14,.0f} provider-scenarios/s")
    print(
        f"plain loop: {loop_seconds:8.2f} s  {loop_rate:14,.0f} provider-scenarios/s "
        f"({args.loop_providers} providers x {args.loop_runs} draws; "
        f"full size would take ~{args.providers * args.runs / loop_rate / 60:,.1f} min)"
    )
    print(
        f"speed-up:   {vector_rate / loop_rate:,.0f} x median of {len(rounds)} rounds "
        f"({ratios[0]:,.0f} x to {ratios[-1]:,.0f} x; loop and engine agree: {agree})"
    )
    for cells, peak in peaks:
        print(f"peak traced memory, max_cells={cells:>9,}: {peak:7.1f} MiB (2,000 draws)")
    budget = result.budget_summary.set_index("measure").loc["budget_full_year"]
    print(
        f"budget impact, full year: P10 £{budget['p10']:,.0f}  P50 £{budget['p50']:,.0f}  "
        f"P90 £{budget['p90']:,.0f}"
    )


if __name__ == "__main__":
    main()
