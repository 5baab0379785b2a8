"""Example market: a seeded synthetic set of provider returns, council rates and volumes.

Public API::

    generate_market(seed=2026, n_home_care=30, n_care_homes=25, n_supported_living=10)
        -> ExampleMarket       # figures only, nothing written
    write_market(market, outdir) -> dict[str, Path]   # returns/, MANIFEST.csv, CSVs, run.toml
    load_example(folder=None) -> ExampleInputs        # the committed example, read for analysis
"""

from .inputs import ExampleInputs, load_example
from .market import ExampleMarket, ProviderReturn, generate_market
from .write import write_market

__all__ = [
    "ExampleInputs",
    "ExampleMarket",
    "ProviderReturn",
    "generate_market",
    "load_example",
    "write_market",
]
