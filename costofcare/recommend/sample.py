"""How many providers stand behind a recommended rate, and what is said when too few do.

A rate taken from the median of two returns is no market rate, however it is worked out.
The count is of providers of the service with unit costs in the recommendation's providers
table (a non-blank ``total``): the returns the method's statistic (a percentile of rolled
costs, a staffing share) is worked out from. Below the run's ``min_count`` (the number of
providers a published market figure needs) the CLI headline, the Summary sheet and the JSON
summary warn; a service's ``min_providers`` setting makes the recommendation refuse instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from .method import RecommendationInputError

__all__ = ["SampleSize", "check_min_providers", "providers_behind", "sample_sizes"]


def providers_behind(providers: pd.DataFrame) -> int:
    """Providers with unit costs in a recommendation's providers table (``total`` given).

    Examples
    --------
    >>> table = pd.DataFrame({"provider": ["A", "B", "C"], "total": [25.0, None, 27.5]})
    >>> providers_behind(table)
    2
    """
    return int(providers["total"].notna().sum())


@dataclass(frozen=True)
class SampleSize:
    """The providers behind one service's rate, against the run's ``min_count``."""

    service: str
    providers: int
    min_count: int

    @property
    def too_few(self) -> bool:
        """Whether fewer providers stand behind the rate than ``min_count``."""
        return self.providers < self.min_count

    def warning(self) -> str:
        """The sentence a reader sees when there are too few ('' when there are enough).

        Examples
        --------
        >>> SampleSize("home_care", 2, 5).warning()
        "home care: only 2 providers' cost returns stand behind the recommended rate, fewer \
than the run's min_count of 5; treat the rate with caution and collect more returns"
        """
        if not self.too_few:
            return ""
        who = (
            "provider's cost return stands"
            if self.providers == 1
            else ("providers' cost returns stand")
        )
        from .markets import market_label

        return (
            f"{market_label(self.service)}: only {self.providers} {who} behind the "
            f"recommended rate, fewer than the run's min_count of {self.min_count}; treat the "
            "rate with caution and collect more returns"
        )


def sample_sizes(recommendations: Mapping, min_count: int) -> dict[str, SampleSize]:
    """:class:`SampleSize` of each service's recommendation (``rec.providers`` tables)."""
    return {
        service: SampleSize(service, providers_behind(rec.providers), min_count)
        for service, rec in recommendations.items()
    }


def check_min_providers(providers: pd.DataFrame, config) -> None:
    """Refuse a service whose ``min_providers`` setting asks for more providers than stand
    behind its rate.

    Raises
    ------
    RecommendationInputError
        naming the setting, the count and what to do.
    """
    needed = getattr(config, "min_providers", None)
    if needed is None:
        return
    n = providers_behind(providers)
    if n < needed:
        from .markets import market_label

        service = market_label(getattr(config, "key", config.service))
        raise RecommendationInputError(
            f"{config.where}.min_providers = {needed}: only {n} providers' cost returns stand "
            f"behind the {service} rate, so no rate is recommended; collect more returns or "
            "lower min_providers"
        )
