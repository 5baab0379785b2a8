"""A block or outcome-based contract's value over its term, year by year, under a policy.

The policy is data: a list of rules, each for a range of contract years, each one of a
closed set of methods (no text is ever run):

``flat_cash``
    no uplift (the default for a year no rule covers).
``fixed``
    ``rate``: a fixed uplift, a fraction (0.03 is 3%).
``wage_floor``
    ``floor`` (a name in :data:`WAGE_FLOORS`, e.g. ``scottish_pay_floor``) and
    ``staffing_share`` (fraction of the value that is pay): the floor's change passed
    through to the staffing share, ``uplift = staffing_share × (floor(year start) /
    floor(before) − 1)``, both read from the dated parameters. ``before`` is the day before
    the contract starts in year 1 (the base value is priced at the floor then), the start
    of the previous contract year after that; a change in the middle of a contract year
    is passed through at the start of the next.
``investment_fund``
    ``share`` of the base value (or ``amount``, GBP) added each year as a fund, on top of
    the core value (it does not compound into it).

Cash: ``core(t) = core(t − 1) × (1 + Σ uplifts(t))`` from ``core(0)`` = the base annual
value; ``cash(t) = core(t) + fund(t)``. Real terms, in year-1 prices: ``real(t) = cash(t) /
deflator(t)`` with ``deflator(1) = 1`` and either a flat rate (``deflator(t) = (1 + r) **
(t − 1)``) or a price index from the parameters (the index's average over contract year t
divided by its average over year 1, extended by a shipped OBR forecast vintage when
named).

Aberdeen's 2020 care at home and supported living contracts are the model: block funding
by locality, flat cash, the Scottish living wage uplift in year one, an investment fund
from year two.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from ..errors import ConfigError

__all__ = ["METHODS", "WAGE_FLOORS", "ContractPolicy", "contract_value", "deflators"]

#: Named wage floors a ``wage_floor`` rule can pass through, and the parameter behind each.
WAGE_FLOORS = {
    "scottish_pay_floor": "scotland_social_care_min_hourly",
    "national_living_wage": "national_living_wage_hourly",
    "real_living_wage": "real_living_wage_uk_hourly",
    "welsh_pay_floor": "wales_social_care_min_hourly",
}
_RULE_KEYS = {"method", "from_year", "to_year", "rate", "floor", "staffing_share", "share",
              "amount"}  # fmt: skip


class YearRule:
    """One method of a contract policy: what it needs and what it does in a contract year.

    ``effect`` returns ``(uplift, fund)``: the fraction the core value rises by and the fund
    (GBP) added on top. ``days`` is the day a wage floor is compared from and the year's
    first day.
    """

    needs: tuple[str, ...] = ()

    def check(self, rule: Mapping, where: str) -> None:
        """Raise :class:`ConfigError` for settings this method cannot use."""

    def effect(self, rule: Mapping, days, base: float, params) -> tuple[float, float]:
        return 0.0, 0.0


class FlatCash(YearRule):
    """No uplift: the value stays as it was."""


class FixedUplift(YearRule):
    """A fixed uplift ``rate`` (a fraction) on the core value."""

    needs = ("rate",)

    def effect(self, rule, days, base, params):
        return float(rule["rate"]), 0.0


class WageFloorUplift(YearRule):
    """A named wage floor's change passed through to the staffing share."""

    needs = ("floor", "staffing_share")

    def check(self, rule, where):
        if rule["floor"] not in WAGE_FLOORS:
            floors = ", ".join(WAGE_FLOORS)
            raise ConfigError(f"{where}: floor {rule['floor']!r} is not one of {floors}")

    def effect(self, rule, days, base, params):
        if params is None:
            raise ConfigError("a wage_floor rule needs the parameters")
        name = WAGE_FLOORS[rule["floor"]]
        before = params.value(name, days[0].date())
        now = params.value(name, days[1].date())
        return float(rule["staffing_share"]) * (now / before - 1.0), 0.0


class InvestmentFund(YearRule):
    """A fund added on top of the core value: ``share`` of the base value, or ``amount``."""

    def check(self, rule, where):
        if ("share" in rule) == ("amount" in rule):
            raise ConfigError(f"{where}: an investment_fund needs share or amount (one of them)")

    def effect(self, rule, days, base, params):
        fund = float(rule["amount"]) if "amount" in rule else float(rule["share"]) * base
        return 0.0, fund


#: The methods a rule may name.
METHODS: dict[str, YearRule] = {
    "flat_cash": FlatCash(),
    "fixed": FixedUplift(),
    "wage_floor": WageFloorUplift(),
    "investment_fund": InvestmentFund(),
}


@dataclass(frozen=True)
class ContractPolicy:
    """A contract's base value, term and yearly rules.

    Parameters
    ----------
    name : what the contract is called.
    annual_value : value a year before any uplift (GBP).
    start : first day of contract year 1.
    years : the term in years.
    rules : the rules (dicts as in the module docstring), checked on creation.
    where : what to name in an error (``"market.contract_values[0]"``).
    """

    name: str
    annual_value: float
    start: pd.Timestamp
    years: int
    rules: tuple[Mapping, ...] = ()
    where: str = "contract policy"

    def __post_init__(self) -> None:
        if not self.annual_value >= 0:
            raise ConfigError(f"{self.where}: annual_value must be a number of pounds >= 0")
        if not 1 <= int(self.years) <= 30:
            raise ConfigError(f"{self.where}: years must be from 1 to 30, got {self.years}")
        for k, rule in enumerate(self.rules):
            _check_rule(rule, f"{self.where}.policy[{k}]")

    @classmethod
    def from_config(cls, table: Mapping, where: str) -> ContractPolicy:
        """Read one ``[[market.contract_values]]`` table."""
        known = {"name", "annual_value", "start", "years", "policy"}
        unknown = sorted(set(table) - known)
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; known: "
                              f"{', '.join(sorted(known))}")  # fmt: skip
        try:
            start = pd.Timestamp(table["start"])
            value = float(table["annual_value"])
        except KeyError as exc:
            raise ConfigError(f"{where}: {exc.args[0]} is required") from None
        except (TypeError, ValueError):
            raise ConfigError(f"{where}: start must be a date and annual_value a number") from None
        return cls(
            name=str(table.get("name", "contract")),
            annual_value=value,
            start=start,
            years=int(table.get("years", 3)),
            rules=tuple(table.get("policy", ())),
            where=where,
        )


def _check_rule(rule: Mapping, where: str) -> None:
    if not isinstance(rule, Mapping):
        raise ConfigError(f"{where}: a rule is a table (method = ..., from_year = ...)")
    method = rule.get("method")
    if method not in METHODS:
        raise ConfigError(f"{where}: method {method!r} is not one of {', '.join(METHODS)}")
    unknown = sorted(set(rule) - _RULE_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}")
    missing = [k for k in METHODS[method].needs if k not in rule]
    if missing:
        raise ConfigError(f"{where}: method {method} needs {', '.join(missing)}")
    METHODS[method].check(rule, where)


def _applies(rule: Mapping, year: int) -> bool:
    first = int(rule.get("from_year", 1))
    last = int(rule.get("to_year", 10**6))
    return first <= year <= last


def deflators(
    start: pd.Timestamp, years: int, deflator: Mapping | None, params=None
) -> list[float]:
    """The deflator of each contract year, year 1 = 1.

    ``deflator``: ``{"rate": 0.03}`` (a flat rate a year), ``{"index": "CPI"}`` (the
    parameters' index averaged over each contract year; add ``"forecast": "OBR EFO March
    2026"`` to run it beyond the latest outturn on a shipped forecast vintage) or None (no
    deflation: all 1).
    """
    if not deflator:
        return [1.0] * years
    if "rate" in deflator:
        rate = float(deflator["rate"])
        return [(1.0 + rate) ** t for t in range(years)]
    if "index" in deflator:
        if params is None:
            raise ConfigError("a deflator index needs the parameters")
        name = str(deflator["index"])
        if deflator.get("forecast"):
            params = params.with_forecast(name, str(deflator["forecast"]))
        levels = []
        for t in range(years):
            first = pd.Period(start + pd.DateOffset(years=t), freq="M")
            months = [first + k for k in range(12)]
            levels.append(sum(params.index_level(name, str(m)) for m in months) / 12)
        return [level / levels[0] for level in levels]
    raise ConfigError('a deflator is {rate = 0.03} or {index = "CPI"}')


def contract_value(policy: ContractPolicy, params=None, deflator: Mapping | None = None):
    """The contract's value in each year of its term, in cash and in real terms.

    Returns
    -------
    DataFrame: ``contract``, ``year`` (1, 2, ...), ``year_start``, ``uplift`` (fraction),
    ``core_value``, ``fund``, ``cash_value`` (GBP a year), ``deflator``, ``real_value``
    (GBP a year in year-1 prices), ``methods`` (the rules applied, for a reader).

    Examples
    --------
    >>> p = ContractPolicy("Block", 1_000_000.0, pd.Timestamp("2026-04-01"), 3)
    >>> contract_value(p, deflator={"rate": 0.03})["real_value"].round(0).tolist()
    [1000000.0, 970874.0, 942596.0]
    """
    factors = deflators(policy.start, policy.years, deflator, params)
    core = float(policy.annual_value)
    rows = []
    previous = None
    for year in range(1, policy.years + 1):
        start = policy.start + pd.DateOffset(years=year - 1)
        uplift, fund, named = 0.0, 0.0, []
        for rule in policy.rules:
            if not _applies(rule, year):
                continue
            before = previous if previous is not None else start - pd.Timedelta(days=1)
            up, add = METHODS[rule["method"]].effect(
                rule, (before, start), policy.annual_value, params
            )
            uplift += up
            fund += add
            named.append(str(rule["method"]))
        core = core * (1.0 + uplift)
        cash = core + fund
        rows.append(
            {
                "contract": policy.name,
                "year": year,
                "year_start": start,
                "uplift": uplift,
                "core_value": core,
                "fund": fund,
                "cash_value": cash,
                "deflator": factors[year - 1],
                "real_value": cash / factors[year - 1],
                "methods": ", ".join(named) or "flat_cash",
            }
        )
        previous = start
    return pd.DataFrame(rows)


def contract_values(
    policies: Sequence[ContractPolicy], params=None, deflator: Mapping | None = None
) -> pd.DataFrame:
    """:func:`contract_value` of several contracts, one table."""
    frames = [contract_value(p, params, deflator) for p in policies]
    if not frames:
        return pd.DataFrame(columns=["contract", "year", "cash_value", "real_value"])
    return pd.concat(frames, ignore_index=True)
