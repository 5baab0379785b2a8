"""Command line: ``costofcare VERB ...``.

Thin by design: each verb lives in the ``commands`` module of its pipeline step, which
adds a sub-parser through ``register(subparsers)`` and sets ``func`` to a function taking the
parsed arguments and returning an exit code. This module only wires them together and turns
user errors into one clear line on stderr (``--debug`` shows the traceback).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__
from .errors import EXIT_USER_ERROR, UserError

# Each module here has ``register(subparsers)``. Order is the order shown in --help.
COMMAND_MODULES = [
    "costofcare.parameters.commands",
    "costofcare.templates.commands",
    "costofcare.ingest.commands",
    "costofcare.benchmark.commands",
    "costofcare.costs.commands",
    "costofcare.scenarios.commands",
    "costofcare.examples.commands",
    "costofcare.pipeline.commands",
]

EPILOG = """\
examples:
  costofcare demo                               the whole pipeline on the bundled example market
  costofcare run workbooks/examples/run.toml -o out/run
  costofcare template home_care -o home-care-return.xlsx
  costofcare ingest returns/ -o out/ingest
  costofcare price home_care workbooks/examples/drivers/ukhca_2020_21.toml
  costofcare params --on 2025-04-01             parameters in force on a date, with sources
  costofcare params --on 2025-04-01 --format csv
  costofcare --version

exit codes: 0 success; 2 a usage or input mistake (message on stderr);
            3 finished, but some inputs had errors (see the issues output)
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="costofcare",
        description="Cost of care workbench: templates, ingest, unit costs, scenarios, "
        "benchmarks and fee recommendations for adult social care.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"costofcare {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the full traceback when something fails"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USER_ERROR
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        if args.debug:
            raise
        print(f"costofcare {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        if args.debug:
            raise
        print(f"costofcare {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
