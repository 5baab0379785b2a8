"""Benchmark: ingest N generated returns against ``pandas.read_excel(path, sheet_name=None)``.

Generates N filled returns (the three services in turn, values drawn from each spec's
bounds), then in the same run and on the same files:

- in each of R rounds (default 3): ``costofcare ingest`` in full on all N files (archive
  checks, every value coerced and validated, wage floor and totals checks,
  values/issues/returns written as CSV and Parquet, validation workbook) with all CPUs,
  then ``pandas.read_excel(path, sheet_name=None)`` with its default engine, file by file,
  on the next N/R of the files (each file once over the rounds). Interleaving means both
  see the same machine; the speed-up is reported per round and as the median;
- the ingest once more with one worker;
- peak memory (RSS, main process and workers) of the ingest on N/4, N/2 and N files,
  each in a fresh process, to show it does not grow with the number of files.

Usage::

    python benchmarks/bench_ingest.py --returns 1000
    python benchmarks/bench_ingest.py --returns 200 --baseline-sample 50   # quicker look
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

SERVICES = ("home_care", "care_home", "supported_living")


def _generate_chunk(args: tuple[str, list[int]]) -> list[str]:
    from costofcare.ingest.fill import ReturnFiller, example_return

    outdir, seeds = args
    fillers = {s: ReturnFiller(s) for s in SERVICES}
    written = []
    for seed in seeds:
        service = SERVICES[seed % len(SERVICES)]
        values, tables = example_return(service, seed)
        values["provider_name"] = f"Provider {seed:05d} Ltd"
        path = Path(outdir) / f"return_{seed:05d}_{service}.xlsx"
        fillers[service].fill(path, values, tables)
        written.append(str(path))
    return written


def generate(outdir: Path, n: int, workers: int) -> list[Path]:
    """Write ``n`` filled returns into ``outdir`` (in parallel); returns their paths."""
    seeds = list(range(n))
    chunks = [seeds[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        paths = [
            p
            for chunk in pool.map(_generate_chunk, [(str(outdir), c) for c in chunks])
            for p in chunk
        ]
    return sorted(Path(p) for p in paths)


def peak_rss_mb() -> float:
    """Peak resident memory of this process and of its (waited-for) children, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024.0


def _measure_memory(files_list: Path, outdir: Path, workers: int) -> None:
    """Child mode: ingest the files listed, print peak RSS as JSON."""
    from costofcare.ingest.outputs import write_outputs

    files = files_list.read_text().splitlines()
    start = time.perf_counter()
    write_outputs(files, outdir, workers=workers)
    elapsed = time.perf_counter() - start
    print(json.dumps({"files": len(files), "seconds": elapsed, "peak_rss_mb": peak_rss_mb()}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--returns", type=int, default=1000, help="returns to generate (default 1000)"
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="ingest workers (default: all CPUs)"
    )
    parser.add_argument(
        "--baseline-sample",
        type=int,
        default=None,
        help="time pandas on only this many of the files (default: all of them)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of (ingest all files, pandas on a slice of them); default 3",
    )
    parser.add_argument(
        "--keep", type=Path, default=None, help="generate into this folder and keep it"
    )
    parser.add_argument(
        "--json", type=Path, default=None, help="also write the figures as JSON here"
    )
    parser.add_argument("--measure-memory", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    from costofcare.ingest.batch import default_workers

    workers = args.workers or default_workers()
    if args.measure_memory:
        _measure_memory(*args.measure_memory, workers)
        return 0

    import pandas as pd

    from costofcare.ingest.outputs import write_outputs

    tmp = tempfile.TemporaryDirectory(prefix="bench-ingest-")
    base = Path(tmp.name)
    returns_dir = args.keep or base / "returns"
    returns_dir.mkdir(parents=True, exist_ok=True)
    n = args.returns
    print(f"generating {n} returns with {workers} worker(s) ...", flush=True)
    t0 = time.perf_counter()
    files = generate(returns_dir, n, workers)
    print(f"  generated in {time.perf_counter() - t0:.1f} s", flush=True)

    figures: dict[str, object] = {"returns": n, "workers": workers, "cpus": os.cpu_count()}

    # Rounds interleave the two so both see the same machine: each round ingests all N
    # files, then times pandas on the next slice of them (every file once over the rounds).
    rounds = max(1, args.rounds)
    sample = files if not args.baseline_sample else files[: args.baseline_sample]
    slices = [sample[i::rounds] for i in range(rounds)]
    per_round = []
    summary = None
    for r, part in enumerate(slices, start=1):
        t0 = time.perf_counter()
        summary = write_outputs(files, base / f"out-all-{r}", workers=workers)
        ours = time.perf_counter() - t0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            for f in part:
                pd.read_excel(f, sheet_name=None)
            baseline = time.perf_counter() - t0
        row = {
            "round": r,
            "ours_seconds": ours,
            "ours_returns_per_second": n / ours,
            "baseline_files": len(part),
            "baseline_seconds": baseline,
            "baseline_returns_per_second": len(part) / baseline,
        }
        row["speedup"] = row["ours_returns_per_second"] / row["baseline_returns_per_second"]
        per_round.append(row)
        print(
            f"  round {r}: ingest {row['ours_returns_per_second']:.1f} returns/s, "
            f"pandas {row['baseline_returns_per_second']:.1f} returns/s, "
            f"{row['speedup']:.1f}x",
            flush=True,
        )
    t0 = time.perf_counter()
    write_outputs(files, base / "out-one", workers=1)
    ours_one = time.perf_counter() - t0
    base_seconds = sum(r["baseline_seconds"] for r in per_round)
    base_files = sum(r["baseline_files"] for r in per_round)
    figures.update(
        values=summary.values,
        issues=summary.errors + summary.warnings,
        rejected=summary.rejected,
        rounds=per_round,
        ours_returns_per_second=statistics.median(r["ours_returns_per_second"] for r in per_round),
        ours_one_worker_seconds=ours_one,
        ours_one_worker_returns_per_second=n / ours_one,
        baseline_files=base_files,
        baseline_seconds=base_seconds,
        baseline_returns_per_second=base_files / base_seconds,
        speedup=statistics.median(r["speedup"] for r in per_round),
        speedup_min=min(r["speedup"] for r in per_round),
        speedup_max=max(r["speedup"] for r in per_round),
    )
    figures["speedup_one_worker"] = (
        figures["ours_one_worker_returns_per_second"] / figures["baseline_returns_per_second"]
    )

    memory = []
    for size in sorted({max(1, n // 4), max(1, n // 2), n}):
        listing = base / f"files-{size}.txt"
        listing.write_text("\n".join(map(str, files[:size])))
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--workers",
                str(workers),
                "--measure-memory",
                str(listing),
                str(base / f"mem-{size}"),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        memory.append(json.loads(out.stdout.strip().splitlines()[-1]))
    figures["memory"] = memory

    ours_rate = figures["ours_returns_per_second"]
    one_rate = figures["ours_one_worker_returns_per_second"]
    base_rate = figures["baseline_returns_per_second"]
    print()
    print(f"returns: {n} ({figures['values']:,} values, {figures['issues']:,} issues)")
    print(f"  costofcare ingest, {workers} workers (median): {ours_rate:8.1f} returns/s")
    print(f"  costofcare ingest, 1 worker            : {one_rate:8.1f} returns/s")
    print(
        f"  pandas.read_excel(sheet_name=None)     : {base_rate:8.1f} returns/s "
        f"({base_seconds:.1f} s for {base_files} files)"
    )
    print(
        f"  speed-up: {figures['speedup']:.1f}x median of {rounds} rounds "
        f"({figures['speedup_min']:.1f}x to {figures['speedup_max']:.1f}x), "
        f"{figures['speedup_one_worker']:.1f}x with 1 worker"
    )
    print("  peak RSS of the ingest (main process or largest worker):")
    for m in memory:
        print(f"    {m['files']:6d} files: {m['peak_rss_mb']:7.1f} MiB  ({m['seconds']:.1f} s)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
