"""The vectorised roll-forward: base unit costs -> required rates, providers x scenarios.

:class:`Inputs` checks and packs the three input tables into arrays once;
:func:`evaluate` then works out, for a block of providers and a block of scenarios at once,
the required rate per unit and its parts. Scenario settings arrive as :class:`ScenarioArrays`
(one entry per scenario), built from :class:`~costofcare.scenarios.scenario.Scenario` objects
for a deterministic run or from random draws for Monte Carlo, so both share this code.

How each category of cost line moves from the base period to the target period:

*staffing*
    The provider's workforce (roles, hourly rates, paid hours, headcount) is repriced under the
    wage policy and its pay bill, employer NI (after the Employment Allowance) and employer
    pension are recomputed per worker with the figures in force in each period. Lines whose
    label names National Insurance (``"NI"``, ``"national insurance"``) or ``"pension"`` move
    with the NI or pension total; the other staffing lines then hold pay only and move with the
    pay bill. A provider whose staffing lines name neither reports pay *with* its on-costs, and
    every staffing line moves with total employment cost (pay + NI + pension).
*non_staffing*
    Each line moves by its index between the months the scenario states.
*return*
    Return on operations / capital keeps its share of costs: it moves with staffing plus
    non-staffing cost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..costs.oncosts import WORKFORCE_FIGURES, workforce_oncosts_annual
from ..errors import UserError
from ..money import WEEKS_PER_YEAR
from ..tables import CATEGORIES, check
from .oncosts import workforce_costs
from .wages import apply_differential

#: Columns the scenarios need beyond the required ones of :data:`costofcare.tables.UNIT_COSTS`
#: (workforce and volumes are :data:`costofcare.tables.WORKFORCE` and
#: :data:`costofcare.tables.VOLUMES`, the volumes with ``current_rate``).
_UNIT_COST_NEEDS = ("period_start", "period_end")

_NI_LINE = re.compile(r"\bni\b|\bnics?\b|national\s+insurance", re.IGNORECASE)
_PENSION_LINE = re.compile(r"pension", re.IGNORECASE)

#: Statutory figures a scenario carries, in the order :class:`ScenarioArrays` stores them
#: (fields of :class:`costofcare.parameters.StatutoryFigures`).
FIGURE_NAMES = WORKFORCE_FIGURES


def staffing_component(cost_line: str) -> str:
    """``"employer_ni"``, ``"employer_pension"`` or ``"pay"`` for a staffing line label."""
    if _NI_LINE.search(cost_line):
        return "employer_ni"
    if _PENSION_LINE.search(cost_line):
        return "employer_pension"
    return "pay"


def _unit_costs(unit_costs: pd.DataFrame) -> pd.DataFrame:
    """The unit cost table checked: categories the scenarios move, dates, blank costs as 0."""
    uc = check("unit_costs", unit_costs, error=UserError, require=_UNIT_COST_NEEDS)
    if uc.empty:
        raise UserError("unit cost table: no rows")
    bad = ~uc["category"].isin(CATEGORIES)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise UserError(
            f"unit cost table, line {row + 2}, column category: "
            f"{uc['category'].iloc[row]!r} is not allowed; use one of " + ", ".join(CATEGORIES)
        )
    for column in _UNIT_COST_NEEDS:
        if uc[column].isna().any():
            row = int(np.flatnonzero(uc[column].isna().to_numpy())[0])
            raise UserError(
                f"unit cost table, line {row + 2}, column {column}: blank (write YYYY-MM-DD)"
            )
    uc["cost_per_unit"] = uc["cost_per_unit"].fillna(0.0)
    return uc


def _volume_arrays(volumes: pd.DataFrame | None, key_index: dict, n_keys: int):
    """``volume_per_week, current_rate, volume_unit`` arrays by key from the volumes table."""
    volume = np.full(n_keys, np.nan)
    current = np.full(n_keys, np.nan)
    volume_unit = np.full(n_keys, "", dtype=object)
    if volumes is None or not len(volumes):
        return volume, current, volume_unit
    vol = check("volumes", volumes, error=UserError, require=("current_rate",))
    columns = ["provider", "service", "volume_per_week", "volume_unit", "current_rate"]
    for p, s, v, u, c in vol[columns].itertuples(index=False):
        i = key_index.get((p, s))
        if i is None:
            raise UserError(f"volumes table: provider {p!r}, service {s!r} has no unit costs")
        volume[i], current[i], volume_unit[i] = v, c, u
    return volume, current, volume_unit


def _cost_arrays(uc: pd.DataFrame, n_keys: int):
    """Base cost per unit by key: pay, NI, pension, whether NI/pension are reported apart,
    return, and the non-staffing lines (an array by key and line, and the line names)."""

    def total(mask) -> np.ndarray:
        sub = uc[mask]
        return np.bincount(sub["key"], weights=sub["cost_per_unit"], minlength=n_keys)

    staffing = uc["category"] == "staffing"
    pay = total(staffing & (uc["component"] == "pay"))
    ni = total(staffing & (uc["component"] == "employer_ni"))
    pension = total(staffing & (uc["component"] == "employer_pension"))
    explicit = np.bincount(
        uc.loc[staffing & (uc["component"] != "pay"), "key"], minlength=n_keys
    ).astype(bool)
    returns = total(uc["category"] == "return")
    ns = uc[uc["category"] == "non_staffing"]
    ns_lines = sorted(ns["cost_line"].unique())
    line_index = {line: j for j, line in enumerate(ns_lines)}
    non_staffing = np.zeros((n_keys, len(ns_lines)))
    np.add.at(
        non_staffing,
        (ns["key"].to_numpy(), ns["cost_line"].map(line_index).to_numpy(dtype=int)),
        ns["cost_per_unit"].to_numpy(),
    )
    return pay, ni, pension, explicit, returns, non_staffing, ns_lines


def _workforce_arrays(wf: pd.DataFrame, needs_workforce: list, provider_index: dict):
    """Roles per provider and ``rate_per_hour, hours_per_week, headcount`` arrays (providers x
    roles, padded with headcount 0). A provider with staffing costs needs staff."""
    staffed = set(wf.loc[wf["headcount"] > 0, "provider"])
    missing = [p for p in needs_workforce if p not in staffed]
    if missing:
        raise UserError(
            "workforce table: no staff (rows with headcount above 0) for provider(s) "
            + ", ".join(repr(p) for p in missing[:10])
            + (" ..." if len(missing) > 10 else "")
            + "; their staffing costs cannot be repriced without roles, rates and hours"
        )
    wf_provider = wf["provider"].map(provider_index).to_numpy(dtype=np.int64)
    order = np.argsort(wf_provider, kind="stable")
    wf, wf_provider = wf.iloc[order], wf_provider[order]
    counts = np.bincount(wf_provider, minlength=len(provider_index))
    width = max(int(counts.max()) if len(counts) else 0, 1)
    slot = np.arange(len(wf)) - np.repeat(np.cumsum(counts) - counts, counts)
    shape = (len(provider_index), width)
    rate = np.zeros(shape)
    hours = np.zeros(shape)
    heads = np.zeros(shape)
    rate[wf_provider, slot] = wf["rate_per_hour"].to_numpy()
    hours[wf_provider, slot] = wf["hours_per_week"].to_numpy()
    heads[wf_provider, slot] = wf["headcount"].to_numpy()
    return counts, rate, hours, heads


@dataclass
class Inputs:
    """The input tables checked and packed into arrays (build with :meth:`from_tables`).

    Attributes
    ----------
    keys : DataFrame
        One row per (provider, service) priced: ``provider, service, unit, period_start,
        period_end``, sorted by provider. Result arrays have one row per key.
    providers : list of str
    key_provider : ndarray (K,)
        Index into ``providers`` of each key.
    role_count : ndarray (P,)
        Workforce rows per provider (providers are ordered by it, then by name).
    rate_per_hour, hours_per_week, headcount : ndarray (P, R)
        Workforce by provider (``rate_per_hour``, ``hours_per_week`` per worker and
        ``headcount`` of the workforce table), padded with headcount 0.
    pay, ni, pension : ndarray (K,)
        Base staffing cost per unit in pay, employer NI and employer pension lines.
    explicit_oncosts : ndarray of bool (K,)
        Whether the provider reports NI/pension lines separately.
    non_staffing : ndarray (K, L)
        Base non-staffing cost per unit by line, columns ``non_staffing_lines``.
    returns : ndarray (K,)
        Base return per unit.
    lines : DataFrame
        Every base line: ``key, provider, service, cost_line, category, component,
        cost_per_unit``.
    volume_per_week, current_rate : ndarray (K,)
        From the volumes table; NaN where a key has no volume row.
    """

    keys: pd.DataFrame
    providers: list
    key_provider: np.ndarray
    role_count: np.ndarray
    rate_per_hour: np.ndarray
    hours_per_week: np.ndarray
    headcount: np.ndarray
    pay: np.ndarray
    ni: np.ndarray
    pension: np.ndarray
    explicit_oncosts: np.ndarray
    non_staffing: np.ndarray
    non_staffing_lines: list
    returns: np.ndarray
    lines: pd.DataFrame
    volume_per_week: np.ndarray
    current_rate: np.ndarray
    volume_unit: np.ndarray

    @classmethod
    def from_tables(
        cls,
        unit_costs: pd.DataFrame,
        workforce: pd.DataFrame,
        volumes: pd.DataFrame | None = None,
    ) -> Inputs:
        """Check the tables and pack them.

        The tables are :data:`costofcare.tables.UNIT_COSTS` (with ``period_start`` and
        ``period_end``), :data:`costofcare.tables.WORKFORCE` and
        :data:`costofcare.tables.VOLUMES` (with ``current_rate``); old spellings
        (``hourly_rate``, ``weekly_hours``, ``volume``, ``"contact hours"``) are read with a
        ``DeprecationWarning``. Mistakes raise :class:`UserError` naming the table, line and
        column of each.
        """
        uc = _unit_costs(unit_costs)
        wf = check("workforce", workforce, error=UserError)
        keys, providers, wf = _ordered_keys(uc, wf)
        provider_index = {p: i for i, p in enumerate(providers)}
        key_index = {
            (p, s): i for i, (p, s) in enumerate(zip(keys.provider, keys.service, strict=True))
        }
        key_provider = keys["provider"].map(provider_index).to_numpy()

        uc["key"] = np.array(
            [key_index[k] for k in zip(uc.provider, uc.service, strict=True)], dtype=np.int64
        )
        uc["component"] = np.where(
            uc["category"] == "staffing", uc["cost_line"].map(staffing_component), ""
        )
        n_keys = len(keys)

        pay, ni, pension, explicit, returns, non_staffing, ns_lines = _cost_arrays(uc, n_keys)
        staffing = uc["category"] == "staffing"
        needs_workforce = sorted(set(uc.loc[staffing & (uc.cost_per_unit != 0), "provider"]))
        counts, rate, hours, heads = _workforce_arrays(wf, needs_workforce, provider_index)

        volume, current, volume_unit = _volume_arrays(volumes, key_index, n_keys)
        lines = _base_lines(uc)
        return cls(
            keys=keys,
            providers=providers,
            key_provider=key_provider,
            role_count=counts,
            rate_per_hour=rate,
            hours_per_week=hours,
            headcount=heads,
            pay=pay,
            ni=ni,
            pension=pension,
            explicit_oncosts=explicit,
            non_staffing=non_staffing,
            non_staffing_lines=ns_lines,
            returns=returns,
            lines=lines,
            volume_per_week=volume,
            current_rate=current,
            volume_unit=volume_unit,
        )

    @property
    def base_rate(self) -> np.ndarray:
        """Base cost per unit of each key (all lines)."""
        return self.pay + self.ni + self.pension + self.non_staffing.sum(axis=1) + self.returns

    def provider_dates(self) -> pd.Series:
        """Middle of each provider's return period (the date base-period figures are taken)."""
        g = self.keys.groupby("provider")
        start, end = g["period_start"].min(), g["period_end"].max()
        return (start + (end - start) / 2).dt.normalize().reindex(self.providers)


def _ordered_keys(uc: pd.DataFrame, wf: pd.DataFrame):
    """The (provider, service) keys, the providers and their workforce rows, in order.

    Providers come in order of workforce size, so a block of neighbours needs few padding
    roles; keys follow their provider, then service.
    """
    keys = (
        uc.groupby(["provider", "service"], sort=True)
        .agg(
            unit=("unit", "first"),
            period_start=("period_start", "min"),
            period_end=("period_end", "max"),
        )
        .reset_index()
    )
    wf = wf[wf["provider"].isin(set(keys["provider"]))]
    role_counts = wf.groupby("provider").size()
    providers = sorted(keys["provider"].unique(), key=lambda p: (int(role_counts.get(p, 0)), p))
    rank = {p: i for i, p in enumerate(providers)}
    keys = (
        keys.assign(_rank=keys["provider"].map(rank))
        .sort_values(["_rank", "service"], kind="stable")
        .drop(columns="_rank")
        .reset_index(drop=True)
    )
    return keys, providers, wf


def _base_lines(uc: pd.DataFrame) -> pd.DataFrame:
    """Every base line, cost per unit summed over repeats of the same line."""
    by = ["key", "provider", "service", "cost_line", "category", "component"]
    lines = uc[by].copy()
    lines["cost_per_unit"] = uc["cost_per_unit"]
    return lines.groupby(by).agg(cost_per_unit=("cost_per_unit", "sum")).reset_index()


@dataclass
class ScenarioArrays:
    """Scenario settings as arrays, one entry per scenario (S of them).

    ``base_floor`` is (P, S): the base-period floor depends on each provider's period.
    ``wage_change`` (P, S) is the pay change the weighted-index method uses. ``line_ratio``
    (S, L) is each non-staffing line's index ratio; ``index_change`` (S,) the weighted-index
    method's price change. ``figures`` holds the target period's statutory figures (S,) each.
    """

    floor: np.ndarray
    base_floor: np.ndarray
    differential: np.ndarray
    pay_increase: np.ndarray
    is_pay_increase: np.ndarray
    figures: dict
    line_ratio: np.ndarray
    index_change: np.ndarray
    part_year_weeks: np.ndarray
    full_year_weeks: np.ndarray

    def __len__(self) -> int:
        return len(self.floor)

    def take(self, cols: slice | np.ndarray) -> ScenarioArrays:
        """The settings of a subset of scenarios."""
        return ScenarioArrays(
            floor=self.floor[cols],
            base_floor=self.base_floor[:, cols],
            differential=self.differential[cols],
            pay_increase=self.pay_increase[cols],
            is_pay_increase=self.is_pay_increase[cols],
            figures={k: v[cols] for k, v in self.figures.items()},
            line_ratio=self.line_ratio[cols],
            index_change=self.index_change[cols],
            part_year_weeks=self.part_year_weeks[cols],
            full_year_weeks=self.full_year_weeks[cols],
        )

    @property
    def wage_change(self) -> np.ndarray:
        """(P, S) pay change for the weighted-index method: the floor's change, or the rise."""
        floor_change = self.floor[None, :] / self.base_floor - 1.0
        return np.where(self.is_pay_increase[None, :], self.pay_increase[None, :], floor_change)


def base_workforce_costs(
    inputs: Inputs, base_figures: dict, apply_employment_allowance: bool = True
) -> tuple[np.ndarray, ...]:
    """(P,) base pay bill, employer NI and employer pension. ``base_figures`` values are (P,)."""
    fig = {k: np.asarray(v, dtype=float)[:, None] for k, v in base_figures.items()}
    return workforce_costs(
        inputs.rate_per_hour,
        inputs.hours_per_week,
        inputs.headcount,
        fig,
        apply_employment_allowance=apply_employment_allowance,
    )


def _new_earnings(rate: np.ndarray, hours_annual: np.ndarray, arrays: ScenarioArrays):
    """(P, R, S) annual earnings per worker after the wage policy.

    ``rate`` and ``hours_annual`` are (P, R, 1). When every scenario keeps percentage
    differentials, floors rise and no role is below its base floor, each new rate is exactly
    ``rate x floor / base_floor``, so earnings take one pass; otherwise the rules of
    :func:`~costofcare.scenarios.wages.apply_differential` apply in full.
    """
    floor = arrays.floor[None, None, :]
    base_floor = arrays.base_floor[:, None, :]
    increase = arrays.is_pay_increase
    if (
        not increase.any()
        and (arrays.differential == 0).all()
        and (floor >= base_floor).all()
        and (rate >= base_floor.min(axis=2, keepdims=True)).all()
    ):
        return np.multiply(rate * hours_annual, floor / base_floor)
    new_rate = None
    if not increase.all():
        new_rate = apply_differential(rate, base_floor, floor, arrays.differential[None, None, :])
    if increase.any():
        raised = np.maximum(rate * (1.0 + arrays.pay_increase[None, None, :]), floor)
        new_rate = (
            raised if new_rate is None else np.where(increase[None, None, :], raised, new_rate)
        )
    new_rate = np.array(np.broadcast_to(new_rate, np.broadcast_shapes(new_rate.shape, floor.shape)))
    new_rate *= hours_annual
    return new_rate


def _safe_ratio(num: np.ndarray, den: np.ndarray, fallback: np.ndarray | float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    return np.where(den > 0, out, fallback)


def evaluate(
    inputs: Inputs,
    base: tuple[np.ndarray, np.ndarray, np.ndarray],
    arrays: ScenarioArrays,
    providers: slice = slice(None),
    apply_employment_allowance: bool = True,
    minimal: bool = False,
) -> dict[str, np.ndarray]:
    """Required rates and their parts for the keys of a block of providers x scenarios.

    Parameters
    ----------
    inputs
        Packed tables.
    base
        ``base_workforce_costs(inputs, ...)``: (P,) base pay, NI and pension.
    arrays
        Settings of the scenarios in this block (S of them); ``base_floor`` holds only the
        block's providers' rows.
    providers
        The block of providers (a slice of ``inputs.providers``); keys of those providers are
        evaluated.
    apply_employment_allowance
        Take the Employment Allowance off each provider's NI bill.
    minimal
        Work out ``required_rate`` only (Monte Carlo), by :func:`_required_only`.

    Returns
    -------
    dict of (K_block, S) arrays
        ``staffing, non_staffing, returns, required_rate, weighted_index_rate`` and the factors
        ``pay_factor, ni_factor, pension_factor, employment_factor``.
    """
    keys, kp = _block_keys(inputs, providers)
    new = _block_workforce(inputs, arrays, providers, apply_employment_allowance)
    if minimal:
        return {
            "keys": keys,
            "required_rate": _required_only(inputs, keys, kp, base, providers, arrays, *new),
        }
    old = tuple(b[providers][:, None] for b in base)
    staffing = _staffing_parts(inputs, keys, kp, old, new)
    return _rate_parts(inputs, keys, kp, arrays, staffing)


def _block_keys(inputs: Inputs, providers: slice) -> tuple[np.ndarray, np.ndarray]:
    """The keys of a block of providers, and each key's row in the block."""
    p_idx = np.arange(len(inputs.providers))[providers]
    p0 = int(p_idx[0]) if len(p_idx) else 0
    keys = np.flatnonzero(np.isin(inputs.key_provider, p_idx))
    return keys, inputs.key_provider[keys] - p0


def _block_workforce(
    inputs: Inputs, arrays: ScenarioArrays, providers: slice, apply_employment_allowance: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(P_block, S) pay bill, employer NI and employer pension after each scenario."""
    # scenarios on the last (contiguous) axis, roles before them: (P, R, S)
    width = max(1, int(inputs.role_count[providers].max(initial=0)))
    rate = inputs.rate_per_hour[providers, :width][:, :, None]
    hours = inputs.hours_per_week[providers, :width][:, :, None]
    heads = inputs.headcount[providers, :width][:, :, None]
    earnings = _new_earnings(rate, hours * WEEKS_PER_YEAR, arrays)
    fig = {k: v[None, None, :] for k, v in arrays.figures.items()}
    return workforce_oncosts_annual(
        earnings, heads, fig, apply_employment_allowance=apply_employment_allowance, role_axis=-2
    )


def _staffing_parts(inputs: Inputs, keys, kp, old: tuple, new: tuple) -> dict[str, np.ndarray]:
    """(K_block, S) pay, employer NI and pension per unit, and the pay and employment factors.

    ``old`` and ``new`` are each provider's (P_block, 1) base and (P_block, S) scenario pay
    bill, NI and pension.
    """
    pay0, ni0, pen0 = old
    pay1, ni1, pen1 = new
    pay_factor = _safe_ratio(pay1, pay0, 1.0)
    employment_factor = _safe_ratio(pay1 + ni1 + pen1, pay0 + ni0 + pen0, 1.0)
    # where the model finds no NI (or pension) in the base period, the line is re-based on
    # the modelled share of pay in the target period
    ni_share1 = _safe_ratio(ni1, pay1, 0.0)
    pen_share1 = _safe_ratio(pen1, pay1, 0.0)

    pay_k, ni_k, pen_k = inputs.pay[keys, None], inputs.ni[keys, None], inputs.pension[keys, None]
    explicit = inputs.explicit_oncosts[keys, None]
    pf, ef = pay_factor[kp], employment_factor[kp]
    new_pay = pay_k * np.where(explicit, pf, ef)
    new_ni = np.where(ni0[kp] > 0, ni_k * _safe_ratio(ni1, ni0, 0.0)[kp], new_pay * ni_share1[kp])
    new_pen = np.where(
        pen0[kp] > 0, pen_k * _safe_ratio(pen1, pen0, 0.0)[kp], new_pay * pen_share1[kp]
    )
    return {
        "pay": new_pay,
        "employer_ni": np.where(explicit, new_ni, ni_k * ef),
        "employer_pension": np.where(explicit, new_pen, pen_k * ef),
        "pay_factor": pf,
        "employment_factor": ef,
    }


def _rate_parts(inputs: Inputs, keys, kp, arrays: ScenarioArrays, staff: dict) -> dict:
    """Every part of :func:`evaluate`'s result from the new staffing parts."""
    new_pay, new_ni, new_pen = staff["pay"], staff["employer_ni"], staff["employer_pension"]
    pay_k, ni_k, pen_k = inputs.pay[keys, None], inputs.ni[keys, None], inputs.pension[keys, None]
    staffing = new_pay + new_ni + new_pen
    non_staffing = inputs.non_staffing[keys] @ arrays.line_ratio.T
    base_staff = (pay_k + ni_k + pen_k)[:, 0]
    base_ns = inputs.non_staffing[keys].sum(axis=1)
    base_costs = (base_staff + base_ns)[:, None]
    returns = inputs.returns[keys, None] * _safe_ratio(staffing + non_staffing, base_costs, 1.0)
    required = staffing + non_staffing + returns

    share = _safe_ratio(base_staff[:, None], base_costs, 0.0)
    uplift = share * arrays.wage_change[kp] + (1.0 - share) * arrays.index_change[None, :]
    base_rate = base_costs + inputs.returns[keys, None]
    return {
        "keys": keys,
        "staffing": staffing,
        "pay": new_pay,
        "employer_ni": new_ni,
        "employer_pension": new_pen,
        "non_staffing": non_staffing,
        "returns": returns,
        "required_rate": required,
        "base_rate": np.broadcast_to(base_rate, required.shape),
        "staffing_share": np.broadcast_to(share, required.shape),
        "weighted_index_uplift": uplift,
        "weighted_index_rate": base_rate * (1.0 + uplift),
        "pay_factor": staff["pay_factor"],
        "ni_factor": _safe_ratio(new_ni, ni_k, np.nan),
        "pension_factor": _safe_ratio(new_pen, pen_k, np.nan),
        "employment_factor": staff["employment_factor"],
    }


def _required_only(inputs, keys, kp, base, providers, arrays, pay1, ni1, pen1) -> np.ndarray:
    """``required_rate`` alone, as a linear form in the provider's recomputed pay bill, NI and
    pension: the same rules as :func:`evaluate` with every per-key ratio folded into a
    constant, so each draw costs a handful of operations per key."""
    pay0, ni0, pen0 = (b[providers][kp] for b in base)
    pay_k, ni_k, pen_k = inputs.pay[keys], inputs.ni[keys], inputs.pension[keys]
    explicit = inputs.explicit_oncosts[keys]
    staff_k = pay_k + ni_k + pen_k
    emp0 = pay0 + ni0 + pen0
    with np.errstate(divide="ignore", invalid="ignore"):
        per_pay = np.where(pay0 > 0, pay_k / pay0, 0.0)
        c_ni = np.where(ni0 > 0, ni_k / ni0, per_pay)
        c_pen = np.where(pen0 > 0, pen_k / pen0, per_pay)
        c_emp = np.where(emp0 > 0, staff_k / emp0, 0.0)
    c_pay = np.where(explicit, per_pay, c_emp)
    c_ni = np.where(explicit, c_ni, c_emp)
    c_pen = np.where(explicit, c_pen, c_emp)
    constant = np.where(explicit, np.where(pay0 > 0, 0.0, pay_k), np.where(emp0 > 0, 0.0, staff_k))
    base_costs = staff_k + inputs.non_staffing[keys].sum(axis=1)
    returns_k = inputs.returns[keys]
    with np.errstate(divide="ignore", invalid="ignore"):
        markup = np.where(base_costs > 0, 1.0 + returns_k / base_costs, 1.0)
    fixed = np.where(base_costs > 0, 0.0, returns_k)
    total = inputs.non_staffing[keys] @ arrays.line_ratio.T
    total += c_pay[:, None] * pay1[kp]
    total += c_ni[:, None] * ni1[kp]
    total += c_pen[:, None] * pen1[kp]
    total += constant[:, None]
    total *= markup[:, None]
    total += fixed[:, None]
    return total
