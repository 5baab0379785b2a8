"""Example market: a seeded synthetic set of provider returns, council rates and volumes.

Public API::

    generate_market(seed=2026, n_home_care=30, n_care_homes=25, n_supported_living=10)
        -> ExampleMarket       # figures only, nothing written
    write_market(market, outdir) -> dict[str, Path]   # returns/, MANIFEST.csv, CSVs, run.toml
    fill_return(template, path, values, tables)       # fill a real template by defined name
"""

from .market import ExampleMarket, ProviderReturn, generate_market

__all__ = ["ExampleMarket", "ProviderReturn", "generate_market"]
