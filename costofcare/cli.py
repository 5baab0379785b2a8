"""Command line: ``costofcare VERB ...``.

Thin by design: each verb lives in the ``commands`` module of its pipeline step, which
adds a sub-parser through ``register(subparsers)`` and sets ``func`` to a function taking the
parsed arguments and returning an exit code. This module only wires them together and turns
user errors into one clear line on stderr (``--debug`` shows the traceback); the verbs add
themselves with :func:`add_verb` and read input tables with :func:`read_checked`.
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
    "costofcare.market.commands",
    "costofcare.examples.commands",
    "costofcare.pipeline.commands",
    "costofcare.audit.commands",
]

# The module of each verb, so ``costofcare VERB ...`` imports only its own module and starts
# quickly (a whole-command benchmark counts start-up). Checked against COMMAND_MODULES by a test.
VERB_MODULES = {
    "params": "costofcare.parameters.commands",
    "template": "costofcare.templates.commands",
    "ingest": "costofcare.ingest.commands",
    "benchmark": "costofcare.benchmark.commands",
    "price": "costofcare.costs.commands",
    "scenarios": "costofcare.scenarios.commands",
    "example-market": "costofcare.examples.commands",
    "market": "costofcare.market.commands",
    "run": "costofcare.pipeline.commands",
    "demo": "costofcare.pipeline.commands",
    "verify": "costofcare.audit.commands",
    "trace": "costofcare.audit.commands",
}

EPILOG = """\
examples:
  costofcare demo                               the whole pipeline on the bundled example market
  costofcare run workbooks/examples/run.toml -o out/run
  costofcare verify out/run                     recompute the run from its manifest: same outputs?
  costofcare template home_care -o home-care-return.xlsx
  costofcare ingest returns/ -o out/ingest
  costofcare price home_care workbooks/examples/drivers/hca-minimum-price-2020-21.toml
  costofcare params --on 2025-04-01             parameters in force on a date, with sources
  costofcare market workbooks/examples/run.toml -o out/market   provider quality and risk
  costofcare params --on 2025-04-01 --format csv
  costofcare --version

exit codes: 0 success; 2 a usage or input mistake (message on stderr);
            3 finished, but some inputs had errors (see the issues output)
"""


def add_verb(
    subparsers, name: str, func, *, help: str, description: str, epilog: str
) -> argparse.ArgumentParser:
    """Add the verb ``costofcare NAME``, which runs ``func(args)`` for its exit code.

    ``help`` is its line in ``costofcare --help``; ``description`` and ``epilog`` (examples
    and notes, line breaks kept as written) make up its own ``--help``. Returns the verb's
    parser, for its arguments.
    """
    parser = subparsers.add_parser(
        name,
        help=help,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(func=func)
    # --debug after the verb too; SUPPRESS keeps a --debug given before the verb
    parser.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the full traceback when something fails",
    )
    return parser


def progress_wanted(args: argparse.Namespace) -> bool:
    """Whether to draw a progress bar: not ``--no-progress``, and stderr is a terminal (a
    bar written to a log file or a pipe is only noise)."""
    return not getattr(args, "no_progress", False) and sys.stderr.isatty()


def _misspelt_verb(parser: argparse.ArgumentParser, argv: list[str]) -> str | None:
    """A "did you mean" message when the first word that is not an option is not a verb."""
    from .configtools import close_matches

    verbs = next(a.choices for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for word in argv:
        if word.startswith("-"):
            continue
        if word in verbs:
            return None
        hint = close_matches(word, verbs) or f"; the commands are: {', '.join(verbs)}"
        return f"costofcare: error: {word!r} is not a command{hint}"
    return None


def read_checked(table: str, path, error: type[UserError] = UserError, require=()):
    """A declared table (:mod:`costofcare.tables`) read from a file for a command.

    Old spellings and other warnings are printed on stderr; any error raises ``error`` with
    every problem and its line.
    """
    from . import tables

    clean, issues = tables.read_table(table, path, require=require)
    tables.raise_errors(issues, error, warn=lambda m: print(f"warning: {m}", file=sys.stderr))
    return clean


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
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
        if only is None or name == only:
            importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(VERB_MODULES.get(argv[0]) if argv else None)
    misspelt = _misspelt_verb(parser, argv)
    if misspelt:
        print(misspelt, file=sys.stderr)
        return EXIT_USER_ERROR
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USER_ERROR
    try:
        return int(args.func(args) or 0)
    except (UserError, FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        if args.debug:
            raise
        print(f"costofcare {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
