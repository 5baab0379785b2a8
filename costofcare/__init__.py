"""costofcare: a workbench for the annual cost of care exercise.

The pipeline, one subpackage per step::

    parameters/  dated official figures (wage floors, NI, pensions, price indices)
    templates/   one declarative spec per service type; workbook writer and field docs
    ingest/      read completed returns, coerce and validate every cell, report issues
    costs/       unit costs: reported (top-down) and modelled (bottom-up)
    scenarios/   wage policies, indexation, grids, Monte Carlo, budget impact
    benchmark/   local market statistics, comparator authorities, nearest neighbours
    recommend/   uplift methods, guardrails, fit to a budget
    report/      recommendation and provider outcome workbooks, JSON summary
    examples/    a seeded synthetic market, and the committed one read as tables
    pipeline     the whole job from one run config (``costofcare run``)

Import public names from these package roots (each lists them in ``__all__``), for example
``from costofcare.scenarios import ScenarioModel``. Percentiles are fractions from 0 to 1
everywhere (0.5 is the median).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("costofcare")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
