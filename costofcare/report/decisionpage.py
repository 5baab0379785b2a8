"""``decision.html``: the decision summary as one self-contained web page.

The page holds everything it shows: styles inline, the chart as inline SVG, no script, no
font or image fetched from anywhere, so it opens offline from a shared drive or an e-mail
and prints to PDF for a cabinet report appendix (print styles: A4 landscape, table headers
repeated, no table row split across pages). Every piece of text from the run (provider,
council and scenario names, sources) is escaped.
"""

from __future__ import annotations

import math
from html import escape
from pathlib import Path

import pandas as pd

from .decision import DecisionSummary

__all__ = ["decision_html", "write_decision_page"]

DECISION_PAGE = "decision.html"

_CSS = """
body { font-family: "Segoe UI", "Liberation Sans", Arial, sans-serif; color: #1a1a1a;
       margin: 2em auto; max-width: 1180px; padding: 0 1em; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; border-bottom: 2px solid #2F75B5; padding-bottom: 0.2em;
     margin-top: 1.6em; }
p.lead { color: #444; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0 1em; font-size: 0.9em; }
th, td { border: 1px solid #c8d3e0; padding: 0.3em 0.5em; vertical-align: top; }
th { background: #DDEBF7; text-align: left; }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.recommended td { font-weight: bold; background: #F3F8FC; }
td.why { font-size: 0.9em; color: #333; min-width: 20em; }
ul.risks li { margin-bottom: 0.4em; }
figure { margin: 1em 0; }
figcaption { font-size: 0.9em; color: #444; }
footer { margin-top: 2em; font-size: 0.8em; color: #666; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 9pt; }
  h2, h3 { break-after: avoid; }
  table { break-inside: auto; }
  tr, figure { break-inside: avoid; }
  thead { display: table-header-group; }
}
"""


def _money(value, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    sign = "−" if value < 0 else ""
    return f"{sign}£{abs(value):,.{digits}f}"


def _pct(value, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:.{digits}%}"


def _table(headers: list[str], rows: list[tuple[list[tuple[str, str]], str]]) -> str:
    """Headers and rows of (cells, row class); each cell is (escaped html, class)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for cells, klass in rows:
        tds = "".join(f'<td class="{k}">{v}</td>' if k else f"<td>{v}</td>" for v, k in cells)
        body.append(f'<tr class="{klass}">{tds}</tr>' if klass else f"<tr>{tds}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def bar_chart_svg(labels: list[str], values: list[float], title: str) -> str:
    """A horizontal bar chart as inline SVG, its axis from zero (£ millions)."""
    width, bar, gap, left, right = 900, 26, 10, 260, 90
    height = 40 + len(values) * (bar + gap) + 30
    top = max([0.0, *values]) or 1.0
    step = _nice_step(top / 5)
    ticks = [step * k for k in range(int(top / step) + 2)]
    scale = (width - left - right) / ticks[-1]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}">',
        f'<text x="{left}" y="18" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    axis_y = 40 + len(values) * (bar + gap)
    for t in ticks:
        x = left + t * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="32" x2="{x:.1f}" y2="{axis_y}" stroke="#ddd"/>'
            f'<text x="{x:.1f}" y="{axis_y + 16}" font-size="12" text-anchor="middle">'
            f"£{t / 1e6:,.1f}m</text>"
        )
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 40 + i * (bar + gap)
        w = max(0.0, value) * scale
        parts.append(
            f'<text x="{left - 8}" y="{y + bar * 0.68:.1f}" font-size="13" '
            f'text-anchor="end">{escape(label)}</text>'
            f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar}" fill="#2F75B5"/>'
            f'<text x="{left + w + 6:.1f}" y="{y + bar * 0.68:.1f}" font-size="12">'
            f"£{value / 1e6:,.2f}m</text>"
        )
    parts.append(f'<line x1="{left}" y1="32" x2="{left}" y2="{axis_y}" stroke="#333"/></svg>')
    return "".join(parts)


def _nice_step(raw: float) -> float:
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def _options_section(d: DecisionSummary, service: str) -> str:
    title, method, effective, unit = d.services[service]
    rows = []
    for o in d.options[d.options["market"] == service].itertuples(index=False):
        rows.append(
            (
                [
                    (escape(o.option), ""),
                    (escape(o.how_set), ""),
                    (_money(o.market_rate, 2), "n"),
                    (_money(o.average_rate, 2), "n"),
                    (_pct(o.uplift), "n"),
                    (_money(o.year_one_impact), "n"),
                    (_money(o.multi_year_impact), "n"),
                    (_money(o.difference_from_recommended), "n"),
                    (str(int(o.providers_costed)), "n"),
                    (f"{o.providers_covered} of {o.providers_compared}", "n"),
                    (_pct(o.covered_volume_share, 0), "n"),
                    (escape(o.basis), "why"),
                ],
                "recommended" if o.kind == "recommended" else "",
            )
        )
    headers = [
        "Option",
        "How the rate is set",
        f"Rate offered (£ per {unit})",
        "Average rate paid",
        "Uplift",
        "Year-one cost",
        f"Over {d.horizon.years} years",
        "Against the recommendation",
        "Providers' costs behind it",
        "Providers whose cost it covers",
        "Units whose cost it covers",
        "Why it differs",
    ]
    return (
        f"<h3>{escape(title)}: £ per {escape(unit)}, from {escape(effective)}. "
        f"Recommended: {escape(method)}</h3>" + _table(headers, rows)
    )


def _totals_section(d: DecisionSummary) -> str:
    rows = [
        (
            [
                (escape(t.option), ""),
                (_money(t.current_spend_annual), "n"),
                (_pct(t.uplift), "n"),
                (_money(t.year_one_impact), "n"),
                (_money(t.multi_year_impact), "n"),
                (_money(t.difference_from_recommended), "n"),
            ],
            "recommended" if t.option == "Recommended" else "",
        )
        for t in d.totals.itertuples(index=False)
    ]
    headers = [
        "Option",
        "Current spend a year",
        "Uplift",
        "Year-one cost",
        f"Cost over {d.horizon.years} years",
        "Year one against the recommendation",
    ]
    chart = bar_chart_svg(
        list(d.totals["option"]),
        [float(v) for v in d.totals["year_one_impact"]],
        "Year-one cost of each option, all services",
    )
    return (
        _table(headers, rows)
        + f"<figure>{chart}<figcaption>Bars start at £0.</figcaption></figure>"
    )


def _comparators_section(d: DecisionSummary) -> str:
    if d.comparators is None:
        return "<p>No comparator councils' rates were given.</p>"
    rows = [
        (
            [
                (escape(d.services[c.market][0]), ""),
                (escape(c.compared_with), ""),
                (str(c.count), "n"),
                (_money(c.lowest, 2), "n"),
                (_money(c.median, 2), "n"),
                (_money(c.highest, 2), "n"),
                (_money(c.our_rate, 2), "n"),
                (f"{c.below_ours} of {c.count}", "n"),
                (escape(c.authorities), "why"),
            ],
            "",
        )
        for c in d.comparators.itertuples(index=False)
    ]
    headers = [
        "Service",
        "Compared with",
        "Councils",
        "Lowest",
        "Median",
        "Highest",
        "Our average recommended rate",
        "Councils paying less",
        "Councils compared",
    ]
    return (
        "<p>Fees and maximum rates other councils published, rolled forward to the target "
        "period by the price index.</p>" + _table(headers, rows)
    )


def _monte_carlo_section(d: DecisionSummary) -> str:
    if d.monte_carlo is None:
        return ""
    rows = [
        (
            [
                (escape(d.services[m.market][0]), ""),
                (escape(m.scenario), ""),
                (str(m.providers), "n"),
                (_money(m.rate_low, 2), "n"),
                (_money(m.rate_median, 2), "n"),
                (_money(m.rate_high, 2), "n"),
                (_money(m.year_one_low), "n"),
                (_money(m.year_one_high), "n"),
            ],
            "",
        )
        for m in d.monte_carlo.itertuples(index=False)
    ]
    headers = [
        "Service",
        "Scenario drawn",
        "Providers",
        "Rate P10",
        "Rate median",
        "Rate P90",
        "Year-one cost P10",
        "Year-one cost P90",
    ]
    return "<h2>Monte Carlo range (P10 to P90)</h2>" + _table(headers, rows)


def _assumptions_section(d: DecisionSummary) -> str:
    items = [f"Costs {escape(d.horizon.describe())}."]
    table = d.non_confirmed
    if table is None or table.empty:
        items.append("Every dated figure the run used is confirmed (set in law or final).")
    else:
        for f in table.to_dict("records"):
            value = f"{float(f['value']):g}"
            items.append(
                f"<strong>{escape(str(f['status']))}</strong>: {escape(str(f['name']))} = "
                f"{escape(value)} {escape(str(f['unit']))} from "
                f"{pd.Timestamp(f['effective_from']):%d %B %Y} (source: "
                f"{escape(str(f.get('source_title') or 'not given'))})"
            )
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def decision_html(d: DecisionSummary) -> str:
    """The page's HTML (UTF-8 text)."""
    heading = f"{d.council}: {d.title}" if d.council else d.title
    risks = d.risks or ["No particular risks were found."]
    body = [
        f"<h1>{escape(heading)}</h1>",
        '<p class="lead">Every option is costed on one basis: the providers the council pays '
        "today, at their commissioned units a week, for a year; costs "
        f"{escape(d.horizon.describe())}. A scenario offers one rate, the median of local "
        "costs under it, and cuts no one's rate. 'Covers' counts the providers whose cost, "
        "rolled forward to the target period, the rate meets.</p>",
        "<h2>All services: each option's cost</h2>",
        _totals_section(d),
        "<h2>The options by service</h2>",
        *(_options_section(d, s) for s in d.services),
        "<h2>Comparator councils</h2>",
        _comparators_section(d),
        _monte_carlo_section(d),
        "<h2>Assumptions to note</h2>",
        _assumptions_section(d),
        "<h2>Main risks</h2>",
        '<ul class="risks">' + "".join(f"<li>{escape(r)}</li>" for r in risks) + "</ul>",
        "<footer>Made by costofcare from the run's files; the recommendation workbook holds "
        "every figure with its working.</footer>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{escape(heading)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n"
    )


def write_decision_page(path: str | Path, d: DecisionSummary) -> Path:
    """Write :func:`decision_html` to ``path``."""
    path = Path(path)
    path.write_text(decision_html(d), encoding="utf-8")
    return path
