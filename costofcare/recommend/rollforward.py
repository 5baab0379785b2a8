"""Each provider's returned cost rolled forward to the year the new rates apply.

One roll-forward for every method: the scenario engine
(:func:`costofcare.scenarios.make_context` and :func:`costofcare.scenarios.explain_by_line`),
run on each provider's own cost lines and staff table under the settings of the service's
``roll_forward`` table (:class:`RollForward`):

*pay*
    every staffing line other than employer NI and pension moves with the provider's pay bill
    repriced under the wage policy and its differential rule (floors taken in the middle of the
    return's period and in the middle of the target year);
*employer NI, employer pension*
    recomputed per worker from the staff table with the figures in force in each period (the
    shared kernels of :mod:`costofcare.costs.oncosts`), Employment Allowance included;
*non-staffing* (and uncategorised lines)
    move by the index from the month in the middle of the return's period to the month in the
    middle of the target year (the year from the effective date), or the index's latest
    published month when that month is not yet published;
*return*
    keeps its share of cost.

A provider without a usable staff table (no row with headcount, hourly rate and hours above 0)
falls back to the ratio rule (:func:`~costofcare.recommend.methods.rolled_cost`: staffing by
``wage_change``, other lines by ``price_change``), and the reason is kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from ..errors import ConfigError
from ..tables import CATEGORIES

__all__ = ["ROLL_CATEGORIES", "RollForward", "RolledCosts", "roll_costs"]

#: Categories of the roll-forward, in the order the workbook shows them.
ROLL_CATEGORIES = ("pay", "employer_ni", "employer_pension", "non_staffing", "return")
#: Categories of the ratio rule (a provider without a staff table).
RATIO_CATEGORIES = ("staffing", "non_staffing", "return")
CATEGORY_LABELS = {
    "pay": "Pay (staffing lines other than NI and pension)",
    "employer_ni": "Employer NI",
    "employer_pension": "Employer pension",
    "staffing": "Staffing",
    "non_staffing": "Non-staffing (and uncategorised)",
    "return": "Return",
    "fnc": "Less NHS-funded nursing care",
}
SCENARIO_ENGINE = "scenario engine"
_KEYS = ("wage_policy", "differential", "index", "index_to", "employment_allowance")


@dataclass(frozen=True)
class RollForward:
    """The ``[recommend.<service>.roll_forward]`` settings (every key optional).

    Parameters
    ----------
    wage_policy
        A wage policy of :data:`costofcare.scenarios.WAGE_POLICIES` with no settings of its
        own (default ``"national_living_wage"``).
    differential
        ``"percent"`` (default), ``"pence"`` or ``"compress"``.
    index
        The index for non-staffing lines (default ``"CPI"``).
    index_to
        The month (``"YYYY-MM"``) non-staffing lines are rolled to; default the middle month
        of the target year, or the index's latest month when that is not yet published.
    employment_allowance
        Take the Employment Allowance off each provider's NI bill (default true).
    """

    wage_policy: str = "national_living_wage"
    differential: str = "percent"
    index: str = "CPI"
    index_to: str | None = None
    employment_allowance: bool = True

    def __post_init__(self) -> None:
        self.wage()  # checks the policy and the differential

    def wage(self):
        from ..scenarios import WagePolicy

        return WagePolicy(self.wage_policy, self.differential)

    @classmethod
    def parse(cls, mapping: object, where: str) -> RollForward:
        """The settings from a config table, naming the key at fault."""
        if not isinstance(mapping, Mapping):
            raise ConfigError(f"{where}: expected a table of settings ({', '.join(_KEYS)})")
        unknown = sorted(set(mapping) - set(_KEYS))
        if unknown:
            raise ConfigError(
                f"{where}: unknown key(s) {', '.join(unknown)}; known keys: {', '.join(_KEYS)}"
            )
        values = dict(mapping)
        for key in ("wage_policy", "differential", "index", "index_to"):
            if key in values and not isinstance(values[key], str):
                raise ConfigError(f"{where}.{key}: expected text, got {values[key]!r}")
        if "index_to" in values and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", values["index_to"]):
            raise ConfigError(
                f"{where}.index_to: {values['index_to']!r} is not a month; write YYYY-MM"
            )
        if not isinstance(values.get("employment_allowance", True), bool):
            raise ConfigError(f"{where}.employment_allowance: use true or false")
        try:
            return cls(**values)
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from None

    def __str__(self) -> str:
        to = self.index_to or "middle of the target year"
        return f"{self.wage()}; non-staffing {self.index} to {to}"


@dataclass(frozen=True)
class RolledCosts:
    """Every costed provider's cost rolled forward.

    ``lines`` has one row per provider and category: ``provider, category, label, base,
    target, change`` (GBP per unit; ``change`` is target / base − 1, NaN for a base of 0) and
    ``how`` (the rule and figures). ``total`` is the rolled-forward total per provider;
    ``basis`` says per provider ``"scenario engine"`` or ``"ratio rule: <reason>"``.
    ``index_months`` are the index levels the non-staffing lines were rolled between, each
    with its status (:func:`index_month`): ``confirmed`` for a published month, ``forecast``
    for a month of a forecast path.
    """

    lines: pd.DataFrame
    total: pd.Series
    basis: pd.Series
    index_months: tuple = ()

    @property
    def engine_count(self) -> int:
        return int((self.basis == SCENARIO_ENGINE).sum())

    @property
    def forecast_months(self) -> list:
        """The index months used that are forecasts, not published figures."""
        return [m for m in self.index_months if m.status != "confirmed"]


def index_month(params, index: str, month) -> object:
    """One month of a price index as a dated figure
    (:class:`~costofcare.parameters.store.ParameterValue`): its level, with status
    ``forecast`` when the month is on a forecast path (flagged ``forecast``: a shipped OBR
    vintage or a user's path) and ``confirmed`` when published."""
    from ..parameters import load
    from ..parameters.store import ParameterValue

    params = params if params is not None else load()
    indices = params.indices
    name = indices._check_name(index)
    period = pd.Period(month, freq="M")
    known = indices.provenance[name]
    row = known.loc[period] if period in known.index else None
    flags = "" if row is None else str(row["flags"] or "")
    forecast = "forecast" in flags.split(";")
    return ParameterValue(
        name=f"{name} index level {period}",
        value=float(indices.series(name).get(period, float("nan"))),
        unit="index",
        effective_from=period.start_time.date(),
        effective_to=period.end_time.date(),
        flags=flags,
        source_title="" if row is None else str(row["source_title"] or ""),
        source_url="" if row is None else str(row["source_url"] or ""),
        note="" if row is None else str(row["note"] or ""),
        status="forecast" if forecast else "confirmed",
    )


def _month_text(month) -> str:
    """A month of the roll-forward in its "how" text; a forecast month says so."""
    if month.status == "confirmed":
        return month.name.rsplit(" ", 1)[-1]
    return f"{month.name.rsplit(' ', 1)[-1]} (a forecast: {month.source_title or 'not published'})"


def target_year(effective: date) -> tuple[date, date]:
    """The year from the effective date: its first and last day."""
    end = (pd.Timestamp(effective) + pd.DateOffset(years=1)).date() - timedelta(days=1)
    return effective, end


def _staffed(workforce: pd.DataFrame | None, service: str) -> pd.DataFrame:
    if workforce is None or not len(workforce):
        return pd.DataFrame(columns=["provider", "service"])
    wf = workforce[workforce["service"] == service] if "service" in workforce else workforce
    usable = (wf["headcount"] > 0) & (wf["rate_per_hour"] > 0) & (wf["hours_per_week"] > 0)
    return wf[usable]


def _ratio_lines(table: pd.DataFrame, wage: float, price: float, reason: str) -> pd.DataFrame:
    """The ratio rule, one row per provider and category (the same rule as ``rolled_cost``)."""
    from .methods import rolled_cost

    staffing = table["staffing"].fillna(0.0)
    others = table["non_staffing"].fillna(0.0) + table["other"].fillna(0.0)
    ret = table["return"].fillna(0.0)
    totals = rolled_cost(staffing, others, ret, 0.0, wage, price)
    rows = []
    for i, provider in enumerate(table["provider"]):
        s, o, r = float(staffing.iloc[i]), float(others.iloc[i]), float(ret.iloc[i])
        s1, o1 = s * (1 + wage), o * (1 + price)
        rows += [
            (provider, "staffing", s, s1, f"× (1 + wage change {wage:+.2%}), {reason}"),
            (provider, "non_staffing", o, o1, f"× (1 + price change {price:+.2%})"),
            (provider, "return", r, float(totals[i]) - s1 - o1, "keeps its share of cost"),
        ]
    return pd.DataFrame(rows, columns=["provider", "category", "base", "target", "how"])


def _engine_costs(unit_costs: pd.DataFrame, staff: pd.DataFrame, settings, rf, params):
    """(lines with their ``how``, index months used) from the scenario engine for providers
    with a staff table."""
    from ..scenarios import Indexation, Scenario, explain_by_line, make_context

    uc = unit_costs.copy()
    uc["category"] = uc["category"].where(uc["category"].isin(CATEGORIES), "non_staffing")
    ctx = make_context(uc, staff, None, settings, params)
    inputs = ctx.inputs
    base_month = {p: pd.Period(d, freq="M") for p, d in inputs.provider_dates().items()}
    series = ctx.series.get(rf.index)
    if series is None:
        raise ConfigError(
            f"roll_forward.index: unknown index {rf.index!r}; allowed: {', '.join(ctx.series)}"
        )
    to = pd.Period(rf.index_to or settings.target_on, freq="M")
    latest = series.index.max()
    note = ""
    if rf.index_to is None and to > latest:
        to, note = latest, f" (latest published month; {pd.Period(settings.target_on, 'M')} wanted)"
    months = sorted(set(base_month.values()))
    wage = rf.wage()
    scenarios = [Scenario(f"from {m}", wage, Indexation(rf.index, str(m), str(to))) for m in months]
    by_line = explain_by_line(ctx, scenarios)
    by_line = by_line[
        by_line["scenario"] == "from " + by_line["provider"].map(base_month).astype(str)
    ]
    category = np.where(
        by_line["category"] == "staffing", by_line["component"], by_line["category"]
    )
    lines = (
        by_line.assign(category=category)
        .groupby(["provider", "category"], sort=False)[["base", "bottom_up"]]
        .sum()
        .rename(columns={"bottom_up": "target"})
        .reset_index()
    )
    figures = _figure_text(ctx)
    explicit = dict(zip(inputs.keys["provider"], inputs.explicit_oncosts, strict=True))
    used = {m: index_month(params, rf.index, m) for m in {*base_month.values(), to}}
    how = []
    for provider, cat in zip(lines["provider"], lines["category"], strict=True):
        if cat == "pay":
            what = "pay bill" if explicit[provider] else "pay + NI + pension bill"
            how.append(f"{what} under {wage}")
        elif cat in ("employer_ni", "employer_pension"):
            how.append(f"recomputed per worker: {figures[cat][provider]}")
        elif cat == "non_staffing":
            start, end = used[base_month[provider]], used[to]
            how.append(f"{rf.index} {_month_text(start)} to {_month_text(end)}{note}")
        else:
            how.append("keeps its share of cost")
    return lines.assign(how=how), tuple(used[m] for m in sorted(used))


def _figure_text(ctx) -> dict[str, dict[str, str]]:
    """Per provider, the NI and pension figures before and after, as text."""
    b, a = ctx.base_figures, ctx.target_figures
    ni, pension = {}, {}
    for p, provider in enumerate(ctx.inputs.providers):
        ni[provider] = (
            f"{b['employer_ni_rate'][p]:.1%} above £{b['employer_ni_threshold_annual'][p]:,.0f}"
            f" -> {a['employer_ni_rate']:.1%} above £{a['employer_ni_threshold_annual']:,.0f}"
        )
        pension[provider] = (
            f"{b['pension_employer_rate'][p]:.1%} on £{b['pension_lower_annual'][p]:,.0f}"
            f"-£{b['pension_upper_annual'][p]:,.0f} -> {a['pension_employer_rate']:.1%} "
            f"on £{a['pension_lower_annual']:,.0f}-£{a['pension_upper_annual']:,.0f}"
        )
    return {"employer_ni": ni, "employer_pension": pension}


def roll_costs(
    table: pd.DataFrame,
    unit_costs: pd.DataFrame,
    workforce: pd.DataFrame | None,
    config,
    wage_change: float,
    price_change: float,
    params=None,
) -> RolledCosts:
    """Every costed provider's cost rolled forward to the year from the effective date.

    Parameters
    ----------
    table
        The service's provider table (cost per unit by category; providers without a total
        have no cost return and are left out).
    unit_costs
        :data:`costofcare.tables.UNIT_COSTS` with ``period_start`` and ``period_end``.
    workforce
        :data:`costofcare.tables.WORKFORCE` (None: every provider takes the ratio rule).
    config
        The service's :class:`~costofcare.recommend.config.ServiceConfig`.
    wage_change, price_change
        The ratio rule's changes (fractions), for providers without a staff table.
    params
        Dated parameters (default: the shipped ones).
    """
    from ..scenarios import RunSettings

    costed = table.dropna(subset=["total"])
    service = config.service
    staff = _staffed(workforce, service)
    why = "no staff table in the return"
    if workforce is None:
        why = "no workforce table given"
    elif not {"period_start", "period_end"} <= set(unit_costs.columns):
        why, staff = "unit costs give no return period", staff.iloc[0:0]
    frames, months = [], ()
    engine = [p for p in costed["provider"] if p in set(staff["provider"])]
    if engine:
        start, end = target_year(config.effective_date)
        settings = RunSettings(
            start, end, employment_allowance=config.roll_forward.employment_allowance
        )
        uc = unit_costs[(unit_costs["service"] == service) & unit_costs["provider"].isin(engine)]
        wf = staff[staff["provider"].isin(engine)]
        engine_lines, months = _engine_costs(uc, wf, settings, config.roll_forward, params)
        frames.append(engine_lines)
    ratio = costed[~costed["provider"].isin(engine)]
    if len(ratio):
        frames.append(_ratio_lines(ratio, wage_change, price_change, f"ratio rule: {why}"))
    lines = pd.concat(frames, ignore_index=True) if frames else _empty_lines()
    order = {p: i for i, p in enumerate(costed["provider"])}
    rank = {c: i for i, c in enumerate((*ROLL_CATEGORIES[:3], *RATIO_CATEGORIES))}
    lines = lines.sort_values(
        ["provider", "category"],
        key=lambda c: c.map(order) if c.name == "provider" else c.map(rank),
        kind="stable",
    ).reset_index(drop=True)
    lines.insert(2, "label", lines["category"].map(CATEGORY_LABELS))
    with np.errstate(divide="ignore", invalid="ignore"):
        lines["change"] = np.where(lines["base"] != 0, lines["target"] / lines["base"] - 1, np.nan)
    lines = lines[["provider", "category", "label", "base", "change", "target", "how"]]
    total = lines.groupby("provider", sort=False)["target"].sum()
    basis = pd.Series(
        {p: SCENARIO_ENGINE if p in engine else f"ratio rule: {why}" for p in costed["provider"]},
        dtype=object,
    )
    return RolledCosts(lines=lines, total=total, basis=basis, index_months=months)


def _empty_lines() -> pd.DataFrame:
    return pd.DataFrame(columns=["provider", "category", "base", "target", "how"])
