"""The one interface every recommendation method has, and the registry of methods.

A method is a small class: its ``name`` is the ``method`` string of a service's config, its
dataclass fields are the config keys it accepts (parsed and checked by :meth:`Method.parse`),
and :meth:`Method.propose` turns unit costs, current rates and volumes into a
:class:`Proposal`: a method rate per provider, the reasoning, the figures it used and the rows
the recommendation workbook writes (labelled inputs and Excel formulas, each with its value).
The report lays a proposal out and never asks which method made it, so adding a method is
adding one class decorated with :func:`register`::

    @register
    @dataclass(frozen=True)
    class Flat(Method):
        name = "flat"
        label = "the same uplift for every provider"
        note = "Every current rate rises by the uplift given in the configuration."
        uplift: float = 0.0

        def propose(self, inputs):
            rates = inputs.current_rate * (1 + self.uplift)
            return Proposal(
                method_rate=rates,
                rate_formula="{current_rate}*(1+{flat_uplift})",
                rows=(Row("flat_uplift", "Uplift", self.uplift, "percent", "fraction", "config"),),
                reasoning=(f"Every rate rises by {self.uplift:+.2%}.",),
                outcome=OutcomeNote(f"Every current rate rises by {self.uplift:+.2%}"),
            )

Formula templates name the cells they use in braces (``{current_rate}``); the names a
template may use are listed in :data:`FORMULA_NAMES` and the keys of the method's own rows.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd

from ..configtools import fraction_text
from ..errors import ConfigError, UserError
from .guardrails import Guardrails

if TYPE_CHECKING:  # pragma: no cover
    from .budget import BudgetFit
    from .config import ServiceConfig
    from .rollforward import RolledCosts

#: Cell names every formula template may use, besides the keys of the method's own rows.
FORMULA_NAMES = {
    # one provider's row of the provider table
    "current_rate": "the provider's current rate (GBP per unit)",
    "volume_per_week": "units bought a week",
    "staffing": "staffing cost per unit",
    "non_staffing": "non-staffing cost per unit",
    "return": "return (surplus) per unit",
    "other": "uncategorised cost per unit",
    "fnc": "less NHS-funded nursing care per unit (nursing and dual care homes; negative)",
    "total": "total cost per unit (excluding NHS-funded nursing care)",
    "rolled_cost": "total cost rolled forward to the year from the effective date",
    "method_rate": "the method's rate, before guardrails",
    # the service sheet's inputs
    "weeks_per_year": "weeks in the year from the effective date",
    "wage_change": "wage change (fraction)",
    "price_change": "price change (fraction)",
    "floor_rate": "wage floor cost per unit",
    "uplift_min": "smallest uplift allowed",
    "uplift_max": "largest uplift allowed",
    # whole columns of the provider table: providers.<column>, e.g. providers.rolled_cost
    # the service's results: results.<key>, e.g. results.proposed_spend_annual
}


class RecommendationInputError(UserError):
    """The tables handed to the recommendation step cannot be used."""


@dataclass(frozen=True)
class Figure:
    """A number used by a method, with where it came from (shown in the workbook)."""

    value: float
    source: str


@dataclass(frozen=True)
class Row:
    """One labelled line of a method's block on the service sheet.

    ``formula`` is an Excel template over named cells (``"{share}*{wage_change}"``) written
    with ``value``; without one, a number is an input cell the analyst may change (shaded)
    and text is written as text. ``key`` names the cell for later templates.
    """

    key: str
    label: str
    value: float | str
    style: str = "number"
    unit: str = ""
    source: str = ""
    formula: str | None = None


@dataclass(frozen=True)
class OutcomeNote:
    """What a provider's outcome workbook says about the method.

    ``figure`` (e.g. a market median) is added only when at least the publication minimum of
    providers stand behind it (``providers_behind``; None: it is no aggregate of others).
    """

    text: str
    figure: str = ""
    providers_behind: int | None = None

    def sentence(self, min_count: int) -> str:
        shown = self.figure and (
            self.providers_behind is None or self.providers_behind >= min_count
        )
        return self.text + (f": {self.figure}" if shown else "") + "."


@dataclass(frozen=True)
class Proposal:
    """What a method proposes for one service, before the guardrails.

    ``method_rate`` has one value per provider with a current rate (in the order of
    :attr:`MethodInputs.priced`); ``rate_formula`` is the same as an Excel template, over the
    provider's row and the method's ``rows``; ``result_rows`` are added under the service's
    results (they may use ``results.<key>``).
    """

    method_rate: np.ndarray
    rate_formula: str
    rows: tuple[Row, ...]
    reasoning: tuple[str, ...]
    outcome: OutcomeNote
    figures: dict[str, Figure] = field(default_factory=dict)
    result_rows: tuple[Row, ...] = ()
    fit: BudgetFit | None = None


@dataclass(frozen=True)
class MethodInputs:
    """Everything a method may use for one service.

    ``providers`` has one row per provider: ``provider``, ``current_rate``,
    ``volume_per_week``, cost per unit by category (``staffing``, ``non_staffing``,
    ``return``, ``other``, ``total``), ``rolled_cost`` and ``roll_forward`` (how it was
    rolled forward); ``roll_forward`` holds the roll-forward by provider and category.
    """

    config: ServiceConfig
    unit: str
    providers: pd.DataFrame
    wage_change: float
    price_change: float
    guardrails: Guardrails
    weeks_per_year: float
    scenario_costs: pd.DataFrame | None = None
    roll_forward: RolledCosts | None = None

    def __post_init__(self) -> None:
        from .sample import check_min_providers

        check_min_providers(self.providers, self.config)

    @property
    def service(self) -> str:
        return self.config.service

    @property
    def priced(self) -> pd.DataFrame:
        """Providers with a current rate (the ones a rate is proposed for)."""
        return self.providers[self.providers["current_rate"].notna()]

    @property
    def current_rate(self) -> np.ndarray:
        return self.priced["current_rate"].to_numpy(dtype=float)

    @property
    def volume_per_week(self) -> np.ndarray:
        return self.priced["volume_per_week"].fillna(0.0).to_numpy(dtype=float)

    @property
    def costed(self) -> pd.DataFrame:
        """Providers with a cost return."""
        return self.providers.dropna(subset=["total"])


class Method(ABC):
    """A recommendation method (see the module docstring).

    Subclasses are frozen dataclasses: each field is a config key the method accepts, typed
    ``float`` or ``str`` (optional ones ``| None``) so :meth:`parse` can check it.
    """

    name: ClassVar[str]
    label: ClassVar[str]
    note: ClassVar[str] = ""
    #: Whether care homes are priced once per care category (:mod:`.markets`); a budget fit
    #: shares one envelope across the service, so it is not split.
    by_market: ClassVar[bool] = True

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        """The config keys this method accepts."""
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def parse(cls, mapping: Mapping, where: str) -> Method:
        """Check the method's own keys in ``mapping`` and build the method from them."""
        values = {}
        for f in dataclasses.fields(cls):
            if f.name not in mapping:
                continue
            value, name = mapping[f.name], f"{where}.{f.name}"
            if "float" in str(f.type):
                if not f.name.endswith("_annual"):  # a fraction: "50%" is 0.5 (not £ sums)
                    value = fraction_text(value)
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ConfigError(f"{name}: expected a number, got {value!r}")
                value = float(value)
            elif not isinstance(value, str):
                raise ConfigError(f"{name}: expected text, got {value!r}")
            values[f.name] = value
        return cls(**values)

    def check(self, config: ServiceConfig) -> None:  # noqa: B027 (optional hook)
        """Raise :class:`ConfigError` if the settings do not fit together (``config.where``)."""

    def settings(self) -> list[tuple[str, object]]:
        """(key, value) of every setting, for the workbook's assumptions sheet."""
        return [(f.name, getattr(self, f.name)) for f in dataclasses.fields(self)]

    @abstractmethod
    def propose(self, inputs: MethodInputs) -> Proposal:
        """The method rate per provider, with its reasoning, figures and workbook rows."""

    def result_rows(self, proposal: Proposal, totals: Mapping[str, float]) -> tuple[Row, ...]:
        """Rows added to the results once the guardrails are applied (``totals`` holds the
        service's ``current_spend_annual`` and ``proposed_spend_annual``)."""
        return ()


#: The config ``method`` string -> the class that implements it.
METHODS: dict[str, type[Method]] = {}


def register(cls: type[Method]) -> type[Method]:
    """Class decorator: make ``cls`` available as ``method = "<cls.name>"`` in configs."""
    if cls.name in METHODS and METHODS[cls.name] is not cls:
        raise ValueError(f"a recommendation method named {cls.name!r} is already registered")
    METHODS[cls.name] = cls
    return cls


def method_class(name: object, where: str) -> type[Method]:
    """The class registered as ``name``; a :class:`ConfigError` naming the choices otherwise."""
    if not isinstance(name, str) or name not in METHODS:
        raise ConfigError(
            f"{where}.method: unknown method {name!r}; use one of {', '.join(METHODS)}"
        )
    return METHODS[name]


def require_columns(df: pd.DataFrame, columns, what: str) -> None:
    """Raise :class:`RecommendationInputError` naming the columns ``df`` lacks."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise RecommendationInputError(f"{what} table lacks column(s) {', '.join(missing)}")
