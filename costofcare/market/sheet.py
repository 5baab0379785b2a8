"""The "Market sustainability" sheet of the recommendation workbook.

One threshold cell (shaded, an input): how far below cost a rate may be before a provider
counts. Every figure after it is a live formula written with its value: each row's gap
``(rate - cost) / cost``, whether it is below minus the threshold, whether it is at risk
(below and rated one of the at-risk results), each row's spend a week (rate x units), and per
option the providers and the share of spend at risk (units differ between services, so
spend is what adds up across them). Change the threshold and the sheet recounts.

Each row's proposed rate is a link to the provider's proposed rate on its service sheet (a
care home's own market sheet: residential, nursing or dual), and a ``recommended`` row's
cost a link to its rolled-forward cost there (its reported total where none was rolled), so
a change on a service sheet flows through. A scenario row's cost is the scenario's required
rate, a value from the scenario tables; a figure with no cell to link to is a value too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

import pandas as pd

from ..report.service import SERVICE_TITLES

_DETAIL = (
    ("Option", None, 30),
    ("Service", None, 23),
    ("Provider", None, 34),
    ("RAG", None, 8),
    ("Cost per unit", "money", 11),
    ("Rate per unit", "money", 11),
    ("Gap (share of cost)", "percent", 11),
    ("Below threshold", "integer", 10),
    ("At risk", "integer", 8),
    ("Units a week", "number", 11),
    ("Spend a week", "money0", 12),
)
_SUMMARY = ("Option", "Providers", "Below threshold", "At risk", "Spend a week",
            "Spend a week at risk", "Share of spend at risk")  # fmt: skip


def _flag(values) -> list[float]:
    return [v if isinstance(v, int | float) else 0.0 for v in values]


@dataclass(frozen=True)
class SustainabilitySheet:
    """A writer of the sheet for :class:`~costofcare.report.live.LiveSheet` (``extra_sheets``
    of the recommendation workbook); a plain object, so a run result with it pickles.

    Parameters
    ----------
    table : the ``sustainability`` table.
    threshold : the threshold cell's starting value (a fraction).
    at_risk : the RAG results counted at risk.
    """

    table: pd.DataFrame
    threshold: float
    at_risk: tuple[str, ...]
    #: Called with the service sheets' cells (``services=``) by the workbook writer.
    links_services: ClassVar[bool] = True

    def __call__(self, sheet, services: Mapping | None = None) -> None:
        """Write the sheet; ``services`` (service -> :class:`~costofcare.report.service.
        ServiceCells`) gives the cells each row's rate and cost link to (None: values)."""
        at_risk = self.at_risk
        sheet.text(0, 0, "Market sustainability: who is at risk under each option", "title")
        sheet.text(1, 0, "Gap = (rate - cost) / cost. A provider is at risk when its gap is "
                   "below minus the threshold and its RAG is " + " or ".join(at_risk) +
                   ". Spend a week = rate x units (units differ between services). RAG and "
                   "cost data: confidential to the council.", "subtitle")  # fmt: skip
        sheet.text(2, 0, "Rates link to each provider's proposed rate on its service sheet, "
                   "and the recommended option's costs to its cost rolled forward there. A "
                   "scenario's cost is its required rate: a value from the scenario tables.",
                   "subtitle")  # fmt: skip
        sheet.text(3, 0, "Threshold (rate below cost by more than)")
        thr = sheet.number(3, 2, self.threshold, "percent", input_cell=True)
        options = list(dict.fromkeys(self.table["option"]))
        top = 6 + len(options) + 3
        spans = _detail(sheet, self.table, top, thr, at_risk, services or {})
        _summary(sheet, options, spans, 6)
        for j, (_, _, width) in enumerate(_DETAIL):
            sheet.ws.set_column(j, j, width)
        sheet.print_setup(repeat_rows=(top, top))


def _same(cell, value: float) -> bool:
    """The linked cell holds this value (so a link shows what the table says)."""
    held = cell.value
    return isinstance(held, int | float) and math.isclose(held, value, rel_tol=1e-9)


def _linked(sheet, r: int, col: int, value: float, candidates: Sequence) -> object:
    """A link to the first candidate cell holding ``value``, else ``value`` written."""
    for cell in candidates:
        if cell is not None and _same(cell, value):
            return sheet.formula(r, col, "{0}", [cell], lambda v: v, "money")
    return sheet.number(r, col, value, "money")


def _row_links(row: Mapping, services: Mapping) -> tuple[list, list]:
    """The service-sheet cells a row's cost and rate may link to, in order of preference:
    a recommended row's rolled cost, then its total; every row's proposed rate."""
    service = services.get(row["service"])
    cells = service.rows.get(str(row["provider"]), {}) if service is not None else {}
    recommended = row["option"] == "recommended"
    cost = [cells.get(k) for k in ("rolled_cost", "total")] if recommended else []
    return cost, [cells.get("proposed_rate")]


def _detail(
    sheet, table: pd.DataFrame, top: int, thr, at_risk: Sequence[str], services: Mapping
) -> dict:
    for j, (label, _, _) in enumerate(_DETAIL):
        sheet.text(top, j, label, "header")
    sheet.ws.set_row(top, 30)  # wrapped headers on two lines
    risky = ",".join(f'{{0}}="{r}"' for r in at_risk)  # r: red, amber or green (checked)
    r = top
    for row in table.to_dict("records"):
        r += 1
        sheet.text(r, 0, row["option"])
        sheet.text(r, 1, SERVICE_TITLES.get(row["service"], row["service"]))
        sheet.text(r, 2, row["provider"])
        rag = sheet.text(r, 3, row["rag"])
        cost_links, rate_links = _row_links(row, services)
        cost = _linked(sheet, r, 4, row["cost_per_unit"], cost_links)
        rate = _linked(sheet, r, 5, row["rate_per_unit"], rate_links)
        gap = sheet.formula(r, 6, "({0}-{1})/{1}", [rate, cost], lambda a, b: (a - b) / b,
                            "percent")  # fmt: skip
        below = sheet.formula(r, 7, "IF({0}<-{1},1,0)", [gap, thr],
                              lambda g, t: 1 if g < -t else 0, "integer")  # fmt: skip
        sheet.formula(
            r, 8, "IF(AND({1}=1,OR(" + risky + ")),1,0)", [rag, below],
            lambda g, b: 1 if b == 1 and g in at_risk else 0, "integer",
        )  # fmt: skip
        units = sheet.number(r, 9, row["volume_per_week"], "number")
        sheet.formula(r, 10, "{0}*{1}", [rate, units], lambda a, v: a * (v or 0.0), "money0")
    last = max(r, top + 1)
    sheet.ws.autofilter(top, 0, last, len(_DETAIL) - 1)
    return {col: sheet.column_span(col, top + 1, last) for col in (0, 7, 8, 10)}


def _summary(sheet, options: list[str], spans: dict, top: int) -> None:
    for j, label in enumerate(_SUMMARY):
        sheet.text(top, j, label, "header")
    sheet.ws.set_row(top, 45)  # up to three lines
    opt, below, risk, spend = spans[0], spans[7], spans[8], spans[10]
    for i, name in enumerate(options, start=1):
        r = top + i
        cell = sheet.text(r, 0, name)

        def pick(values, of=opt.value, name=name):
            return [v for o, v in zip(of, values, strict=True) if o == name]

        sheet.formula(r, 1, "COUNTIF({0},{1})", [opt, cell],
                      lambda o, n: sum(1 for x in o if x == n), "integer")  # fmt: skip
        sheet.formula(r, 2, "COUNTIFS({0},{1},{2},1)", [opt, cell, below],
                      lambda o, n, b: sum(1 for v in pick(b) if v == 1), "integer")  # fmt: skip
        sheet.formula(r, 3, "COUNTIFS({0},{1},{2},1)", [opt, cell, risk],
                      lambda o, n, b: sum(1 for v in pick(b) if v == 1), "integer")  # fmt: skip
        vol = sheet.formula(r, 4, "SUMIF({0},{1},{2})", [opt, cell, spend],
                            lambda o, n, v: sum(_flag(pick(v))), "money0")  # fmt: skip
        at = sheet.formula(
            r, 5, "SUMIFS({0},{1},{2},{3},1)", [spend, opt, cell, risk],
            lambda v, o, n, k: sum(x for x, f in zip(_flag(pick(v)), pick(k), strict=True)
                                   if f == 1), "money0",
        )  # fmt: skip
        sheet.formula(r, 6, "IF({0}=0,0,{1}/{0})", [vol, at],
                      lambda a, b: 0.0 if a == 0 else b / a, "percent")  # fmt: skip
