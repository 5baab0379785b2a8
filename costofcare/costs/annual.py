"""A return's annual cost lines, and the routes that divide them by units.

:class:`AnnualCosts` gathers the annual amounts a return reports, line by line, with the
cells each came from; a :class:`Route` divides a set of such lines by a number of units
(contact hours, resident weeks, sleep-in nights) to give a cost per unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

__all__ = ["AnnualLine", "AnnualCosts", "Route"]


@dataclass
class AnnualLine:
    """One cost line: £ a year, its category and group, and the cells it was read from."""

    annual: float
    category: str
    group: str
    refs: list[str] = field(default_factory=list)


class AnnualCosts(dict[str, AnnualLine]):
    """Annual cost lines by 2022 Fair Cost of Care label, in the order first met."""

    def add(self, cost_line: str, category: str, group: str, amount: float, ref: str) -> None:
        """Add ``amount`` (£ a year) read from ``ref`` to ``cost_line``; blanks and zeros
        add nothing."""
        if not np.isfinite(amount) or amount == 0:
            return
        line = self.setdefault(cost_line, AnnualLine(0.0, category, group))
        line.annual += amount
        line.refs.append(ref)

    def total(self) -> float:
        """£ a year over every line."""
        return sum(line.annual for line in self.values())

    def total_of(self, category: str) -> float:
        """£ a year over the lines of ``category``."""
        return sum(line.annual for line in self.values() if line.category == category)

    def total_except(self, category: str) -> float:
        """£ a year over the lines not of ``category``."""
        return sum(line.annual for line in self.values() if line.category != category)


class Route(NamedTuple):
    """Cost lines divided by units: one way of stating a return's cost per unit."""

    #: route name in the unit cost table (``reported``, ``reported_sleep_in`` ...)
    route: str
    #: the unit (``contact_hour``, ``resident_week``, ``sleep_in_night`` ...)
    unit: str
    lines: AnnualCosts
    #: units in the period
    units: float
    #: where the units came from, for the ``source`` column
    unit_ref: str
