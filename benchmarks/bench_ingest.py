"""Benchmark: ``costofcare ingest`` on N generated returns, as a whole command, against
``pandas.read_excel(path, sheet_name=None)`` and against raw python-calamine reads.

Generates N filled returns (the three services in turn, values drawn from each spec's
bounds), then in each of R rounds (default 3), on the same files, times each of these as a
command of its own (a new Python process, so start-up and imports are included):

- ``costofcare ingest DIR -o OUT`` with every CPU: archive checks, sheets bounded, every
  value coerced and validated, wage floor and totals checks, values/issues/returns as CSV
  and Parquet, the validation workbook;
- the same with ``--workers 1``;
- raw python-calamine: every sheet of every file read into Python lists, one process, and
  the same split over as many processes as the ingest has workers (the same cores);
- ``pandas.read_excel(path, sheet_name=None)`` (default engine, openpyxl) file by file on
  the next N/R of the files (each file once over the rounds).

Each command runs as an installed package runs for its users: with Python's compiled-module
cache, written by a first untimed run (an environment that sets ``PYTHONDONTWRITEBYTECODE``
would otherwise have every command compile the project's modules again, about 0.2 s on the
2-core machine; ``--no-bytecode-cache`` keeps the environment as it is to show that).

Interleaving the rounds means all of them see the same machine; each ratio is worked out
within a round and reported per round and as the median. Peak memory (RSS) of the ingest of
N/4, N/2 and N files is measured last, each in a fresh process.

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


CALAMINE = """
import sys
import python_calamine
for path in open(sys.argv[1]).read().splitlines():
    book = python_calamine.CalamineWorkbook.from_path(path)
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
"""

PANDAS = """
import sys, warnings
import pandas as pd
warnings.simplefilter("ignore")
for path in open(sys.argv[1]).read().splitlines():
    pd.read_excel(path, sheet_name=None)
"""


COMMAND_ENV = dict(os.environ)
"""The environment every timed command runs in (see :func:`use_bytecode_cache`)."""


def use_bytecode_cache() -> None:
    """Let the timed commands keep compiled modules, as a package installed by pip does, and
    write them once now (untimed): the ingest command's modules and the baselines'."""
    COMMAND_ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    warm = "import costofcare.cli, costofcare.ingest.outputs, costofcare.ingest.workbook"
    for command in ([sys.executable, "-c", warm], [sys.executable, "-c", "import pandas"]):
        subprocess.run(command, check=True, env=COMMAND_ENV)


def timed(command: list[str]) -> float:
    """Wall-clock seconds of a command (a new process: start-up included)."""
    start = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=COMMAND_ENV
    )
    return time.perf_counter() - start


def timed_together(commands: list[list[str]]) -> float:
    """Wall-clock seconds from starting all ``commands`` at once until the last ends."""
    start = time.perf_counter()
    running = [
        subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=COMMAND_ENV)
        for c in commands
    ]
    for proc in running:
        if proc.wait() != 0:
            raise subprocess.CalledProcessError(proc.returncode, proc.args)
    return time.perf_counter() - start


def _listing(base: Path, name: str, files: list[Path]) -> Path:
    path = base / name
    path.write_text("\n".join(map(str, files)))
    return path


def one_round(r: int, files: list[Path], part: list[Path], base: Path, workers: int) -> dict:
    """Time the four commands once; every rate in returns a second."""
    n = len(files)
    folder = str(files[0].parent)
    ingest = [str(Path(sys.executable).parent / "costofcare"), "ingest", folder, "--no-progress"]
    everything = _listing(base, "all.txt", files)
    sample = _listing(base, f"sample-{r}.txt", part)
    row = {"round": r}
    row["ingest_seconds"] = timed(
        [*ingest, "-o", str(base / f"out-{r}"), "--workers", str(workers)]
    )
    row["ingest_1_seconds"] = timed([*ingest, "-o", str(base / f"out1-{r}"), "--workers", "1"])
    row["calamine_seconds"] = timed([sys.executable, "-c", CALAMINE, str(everything)])
    shares = [_listing(base, f"share-{r}-{w}.txt", files[w::workers]) for w in range(workers)]
    row["calamine_parallel_seconds"] = timed_together(
        [[sys.executable, "-c", CALAMINE, str(share)] for share in shares]
    )
    row["pandas_files"] = len(part)
    row["pandas_seconds"] = timed([sys.executable, "-c", PANDAS, str(sample)])
    row["ingest_rate"] = n / row["ingest_seconds"]
    row["ingest_1_rate"] = n / row["ingest_1_seconds"]
    row["calamine_rate"] = n / row["calamine_seconds"]
    row["pandas_rate"] = len(part) / row["pandas_seconds"]
    row["speedup"] = row["ingest_rate"] / row["pandas_rate"]
    row["vs_calamine_1_worker"] = row["ingest_1_seconds"] / row["calamine_seconds"]
    row["vs_calamine"] = row["ingest_seconds"] / row["calamine_seconds"]
    row["vs_calamine_parallel"] = row["ingest_seconds"] / row["calamine_parallel_seconds"]
    return row


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
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    parser.add_argument(
        "--keep", type=Path, default=None, help="generate into this folder and keep it"
    )
    parser.add_argument(
        "--json", type=Path, default=None, help="also write the figures as JSON here"
    )
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="run the commands in this environment as it is (PYTHONDONTWRITEBYTECODE kept)",
    )
    parser.add_argument("--measure-memory", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    from costofcare.ingest.batch import default_workers

    workers = args.workers or default_workers()
    if args.measure_memory:
        _measure_memory(*args.measure_memory, workers)
        return 0

    if not args.no_bytecode_cache:
        use_bytecode_cache()
    tmp = tempfile.TemporaryDirectory(prefix="bench-ingest-")
    base = Path(tmp.name)
    returns_dir = args.keep or base / "returns"
    returns_dir.mkdir(parents=True, exist_ok=True)
    n = args.returns
    print(f"generating {n} returns with {workers} worker(s) ...", flush=True)
    t0 = time.perf_counter()
    files = generate(returns_dir, n, workers)
    print(f"  generated in {time.perf_counter() - t0:.1f} s", flush=True)
    load_before = os.getloadavg()

    rounds = max(1, args.rounds)
    sample = files if not args.baseline_sample else files[: args.baseline_sample]
    slices = [sample[i::rounds] for i in range(rounds)]
    per_round = []
    for r, part in enumerate(slices, start=1):
        row = one_round(r, files, part, base, workers)
        per_round.append(row)
        print(
            f"  round {r}: ingest {row['ingest_rate']:.0f} returns/s ({workers} workers), "
            f"{row['ingest_1_rate']:.0f} (1 worker); calamine {row['calamine_rate']:.0f}; "
            f"pandas {row['pandas_rate']:.1f}; {row['speedup']:.1f}x pandas, "
            f"{row['vs_calamine_1_worker']:.2f}x calamine's time with 1 worker, "
            f"{row['vs_calamine']:.2f}x with {workers} against one process, "
            f"{row['vs_calamine_parallel']:.2f}x against {workers} processes",
            flush=True,
        )

    def median(key: str) -> float:
        return statistics.median(row[key] for row in per_round)

    figures: dict[str, object] = {
        "returns": n,
        "workers": workers,
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "bytecode_cache": "PYTHONDONTWRITEBYTECODE" not in COMMAND_ENV,
        "rounds": per_round,
    }
    for key in (
        "ingest_rate",
        "ingest_1_rate",
        "calamine_rate",
        "pandas_rate",
        "speedup",
        "vs_calamine_1_worker",
        "vs_calamine",
        "vs_calamine_parallel",
    ):
        figures[key] = median(key)
    memory = []
    for size in sorted({max(1, n // 4), max(1, n // 2), n}):
        listing = _listing(base, f"files-{size}.txt", files[:size])
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

    print()
    print(f"returns: {n}; load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
    cache = "kept" if figures["bytecode_cache"] else "not kept (PYTHONDONTWRITEBYTECODE)"
    print(f"compiled modules {cache}")
    print("medians of the rounds, each a whole command (start-up included):")
    print(f"  costofcare ingest, {workers} workers : {figures['ingest_rate']:8.1f} returns/s")
    print(f"  costofcare ingest, 1 worker   : {figures['ingest_1_rate']:8.1f} returns/s")
    print(f"  python-calamine, every sheet  : {figures['calamine_rate']:8.1f} returns/s")
    print(f"  pandas.read_excel             : {figures['pandas_rate']:8.1f} returns/s")
    speedups = ", ".join(f"{row['speedup']:.1f}" for row in per_round)
    print(f"  ingest vs pandas: {figures['speedup']:.1f}x (rounds: {speedups})")
    print(
        f"  ingest time / calamine time: {figures['vs_calamine_1_worker']:.2f}x with 1 worker, "
        f"{figures['vs_calamine']:.2f}x with {workers} against one process, "
        f"{figures['vs_calamine_parallel']:.2f}x against calamine in {workers} processes"
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
