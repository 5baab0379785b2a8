"""Apply the RAG rules (:mod:`costofcare.market.rag`) to every service of the register.

:func:`assess` returns one RAG row per registered service with every reason, one row per
service and rule saying what each indicator gave, and the issues met on the way (a number
rule given a word, a value too old).
"""

from __future__ import annotations

import pandas as pd

from .inputs import issue_frame, issue_row
from .rag import SEVERITY, RagRules, Rule, parse_number
from .shares import latest_values

#: A regulator's rating as an indicator the rules can name.
RATING_INDICATORS = {"cqc": "cqc_rating", "care_inspectorate": "care_inspectorate_grade"}


def rating_indicators(service_ratings: pd.DataFrame) -> pd.DataFrame:
    """Each service's rating (:func:`~costofcare.market.ratings.service_ratings`) as an
    indicator row: ``cqc_rating`` (the rating's words) or ``care_inspectorate_grade`` (1-6)."""
    rated = service_ratings
    return pd.DataFrame(
        {
            "registration_number": rated["registration_number"],
            "indicator": rated["regulator"].map(RATING_INDICATORS),
            "value": rated["rating"],
            "date": rated["date"],
            "source": "ratings (" + rated["basis"].astype(str) + ")",
            "file": rated["file"] if "file" in rated else "",
            "sheet": "",
            "cell": rated["line"].astype(str) if "line" in rated else "",
        }
    )


def _latest(indicators: pd.DataFrame) -> dict[tuple[str, str], dict]:
    """(registration number, indicator) -> its latest row (undated rows count as oldest)."""
    frame = latest_values(indicators)
    return {(r["registration_number"], r["indicator"]): r for r in frame.to_dict("records")}


def _judge(rule: Rule, row: dict | None, rules: RagRules, as_of) -> tuple[str, str, str]:
    """(result, reason, issue code or '') of one rule on one service's latest value."""
    name = rule.indicator
    if row is None or str(row.get("value", "")).strip() in ("", "nan"):
        return rule.missing, f"{name} missing: {rule.missing}", ""
    text = str(row["value"]).strip()
    number = parse_number(text)
    max_age = rule.max_age_days
    if max_age is None and name in RATING_INDICATORS.values():
        max_age = rules.max_rating_age_days
    when = row.get("date")
    if max_age is not None and as_of is not None and pd.notna(when):
        age = (pd.Timestamp(as_of) - pd.Timestamp(when)).days
        if age > max_age:
            why = (f"{name} '{text}' dated {pd.Timestamp(when):%Y-%m-%d} is {age} days old, "
                   f"over {max_age:g}: {rules.stale}")  # fmt: skip
            return rules.stale, why, "stale_rating"
    if rule.numeric and number is None and all(c.within is None for _, c in rule.conditions):
        why = f"{name} '{text}' is not a number: {rule.missing}"
        return rule.missing, why, "unreadable_indicator"
    for result, condition in rule.conditions:
        if condition.matches(text, number):
            return result, f"{name} '{text}' is {result} ({condition.describe()})", ""
    return rule.missing, f"{name} '{text}' meets no condition: {rule.missing}", ""


def _combine(results: list[str], rules: RagRules) -> tuple[str, float]:
    """The service's result from its rules' results, and its score (NaN by ``worst``)."""
    used = [r for r in results if r != "ignore"]
    if rules.combine == "worst":
        return (max(used, key=SEVERITY.get) if used else "green"), float("nan")
    score = float(sum(rules.points[r] for r in used))
    band = rules.score_bands.band_of(score)
    return (band.rag if band is not None else "red"), score


def assess(
    register: pd.DataFrame, indicators: pd.DataFrame, rules: RagRules, as_of=None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """RAG per registered service.

    Parameters
    ----------
    register : the clean register (:data:`~costofcare.tables.catalogue.REGISTER`).
    indicators : every indicator row (local monitoring, the returns' and the ratings'),
        ``registration_number, indicator, value, date`` and, where known, ``file, sheet,
        cell`` or ``line``.
    rules : the parsed rules.
    as_of : the day ages are measured to (None: ages are not checked).

    Returns
    -------
    rag : the ``rag`` table (:data:`~costofcare.tables.catalogue.RAG`).
    details : one row per service and rule: ``registration_number, indicator, value, date,
        result, reason, file, sheet, cell``.
    issues : ``unreadable_indicator`` and ``stale_rating`` rows.
    """
    latest = _latest(indicators)
    overrides = {o.registration_number: o for o in rules.overrides}
    rows, details, issues = [], [], []
    for service in register.to_dict("records"):
        reg = service["registration_number"]
        results, reasons = [], []
        for rule in rules.rules:
            found = latest.get((reg, rule.indicator))
            result, reason, code = _judge(rule, found, rules, as_of)
            results.append(result)
            if result in ("red", "amber"):
                reasons.append(reason)
            details.append(_detail(reg, rule.indicator, found, result, reason))
            if code:
                issues.append(_issue(code, found, reason, reg))
        by_rules, score = _combine(results, rules)
        override = overrides.get(reg)
        rows.append(
            {
                "registration_number": reg,
                "provider": service["provider"],
                "service": service.get("service", ""),
                "service_type": service.get("service_type", ""),
                "rag_by_rules": by_rules,
                "score": score,
                "rag": override.rag if override else by_rules,
                "reasons": "; ".join(reasons) or "every indicator green",
                "override_reason": override.reason if override else "",
                "override_date": pd.Timestamp(override.date) if override else pd.NaT,
            }
        )
    return pd.DataFrame(rows), pd.DataFrame(details), issue_frame(issues)


def _text(value) -> str:
    """A cell of an indicator row as text ('' for a missing one)."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _detail(reg: str, name: str, found: dict | None, result: str, reason: str) -> dict:
    found = found or {}
    return {
        "registration_number": reg,
        "indicator": name,
        "value": "" if not found else str(found.get("value", "")),
        "date": found.get("date", pd.NaT),
        "result": result,
        "reason": reason,
        "source": _text(found.get("source")),
        "file": _text(found.get("file")),
        "sheet": _text(found.get("sheet")),
        "cell": _text(found.get("cell")),
    }


def _issue(code: str, found: dict, reason: str, reg: str) -> dict:
    return issue_row(
        code,
        _text(found.get("file")),
        _text(found.get("cell")),
        _text(found.get("indicator")),
        f"{reason} (registration number '{reg}')",
        _text(found.get("value")),
        sheet=_text(found.get("sheet")),
    )


def unknown_overrides(rules: RagRules, register: pd.DataFrame) -> list[str]:
    """Registration numbers of overrides the register does not hold."""
    known = set(register["registration_number"].astype(str))
    return [o.registration_number for o in rules.overrides if o.registration_number not in known]
