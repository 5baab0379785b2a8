"""Who is at risk under each option: the rate against the cost, crossed with the RAG.

For each provider's service and each option of the run:

* ``recommended``: the proposed rate against the provider's cost rolled forward to the
  effective date (its cost per unit as reported when no rolled cost is known);
* each scenario: the same proposed rate against the scenario's required rate (the
  provider's cost under that scenario's wages and prices). A scenario prices the cost, not
  the fee, so this asks: is the proposed rate enough if the scenario comes true?

A provider with no proposed rate (no current rate) or no cost has no row.

``gap_share = (rate - cost) / cost``: below 0 the rate does not cover the cost. A row is
``below_threshold`` when ``gap_share < -threshold`` and ``at_risk`` when it is also rated one
of the at-risk results (by default red). The summary weighs each row by its commissioned
volume within a service (volume at risk / volume of the rows compared) and, across services
whose units differ, by its spend a week (volume x the proposed rate).

A provider's service is linked to its registered services by the registration number on its
return, else by its name (:func:`costofcare.pipeline.council.provider_key`) and service in
the register; its RAG is the worst of them. A provider linked to none has no RAG (an issue
row, ``no_rag``), and is never counted at risk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..tables.catalogue import SUSTAINABILITY
from .inputs import issue_frame, issue_row
from .rag import SEVERITY

_COLUMNS = list(SUSTAINABILITY.names)


@dataclass(frozen=True)
class Links:
    """Which registered services a provider's service (as priced) runs.

    ``by_return``: (provider as on its return, service) -> the registration numbers typed
    on its returns; ``by_name``: (:func:`~costofcare.pipeline.council.provider_key` of the
    register's provider, service) -> registration numbers.
    """

    by_return: Mapping[tuple[str, str], tuple[str, ...]]
    by_name: Mapping[tuple[str, str], tuple[str, ...]]

    def numbers(self, provider: str, service: str) -> list[str]:
        """By the return's registration number first, else by name. A care home market's
        key (``care_home.nursing``) is looked up as itself and as its service
        (``care_home``), as returns and the register name it: a home belongs to one market.
        """
        from ..pipeline.council import provider_key

        keys = list(dict.fromkeys((service, service.split(".", 1)[0])))
        found = [n for s in keys for n in self.by_return.get((provider, s), ())]
        if not found:
            found = [n for s in keys for n in self.by_name.get((provider_key(provider), s), ())]
        return sorted(set(found))


def provider_links(
    register: pd.DataFrame, values: pd.DataFrame | None, unit_costs: pd.DataFrame | None
) -> Links:
    """The :class:`Links` of a run: its returns' registration numbers and the register."""
    from ..pipeline.council import provider_key

    by_return: dict[tuple[str, str], list[str]] = {}
    known = set(register["registration_number"].astype(str))
    if values is not None and unit_costs is not None and not values.empty:
        single = values["table"].fillna("") == ""
        reg = values[(values["field"] == "registration_number") & single]
        by_id = dict(
            zip(reg["return_id"], reg["text"].fillna("").astype(str).str.strip(), strict=True)
        )
        pairs = unit_costs[["provider", "service", "return_id"]].drop_duplicates()
        for p, s, r in pairs.itertuples(index=False):
            if by_id.get(r, "") in known:
                by_return.setdefault((p, s), []).append(by_id[r])
    by_name: dict[tuple[str, str], list[str]] = {}
    for row in register.itertuples(index=False):
        key = (provider_key(row.provider), row.service or "")
        by_name.setdefault(key, []).append(row.registration_number)
    return Links(
        {k: tuple(v) for k, v in by_return.items()}, {k: tuple(v) for k, v in by_name.items()}
    )


def option_rows(recommendations: Mapping, scenarios: pd.DataFrame | None) -> pd.DataFrame:
    """Cost, rate and volume of every provider's service under each option.

    ``recommended``: the proposed rate against the cost rolled forward (the reported cost
    where none was rolled). Each scenario: the same proposed rate against the scenario's
    required rate (the provider's cost under the scenario's wages and prices).
    """
    parts = []
    for service, rec in recommendations.items():
        p = rec.providers
        cost = p["rolled_cost"] if "rolled_cost" in p else p["total"]
        cost = cost.where(cost.notna(), p["total"])
        parts.append(
            pd.DataFrame(
                {
                    "option": "recommended",
                    "service": service,
                    "provider": p["provider"].astype(str),
                    "cost_per_unit": cost.astype(float),
                    "rate_per_unit": p["proposed_rate"].astype(float),
                    "volume_per_week": p["volume_per_week"].astype(float),
                }
            )
        )
    columns = ["option", "service", "provider", "cost_per_unit", "rate_per_unit",
               "volume_per_week"]  # fmt: skip
    if not parts:
        return pd.DataFrame(columns=columns)
    recommended = pd.concat(parts, ignore_index=True)
    if scenarios is not None and not scenarios.empty:
        rates = recommended[["service", "provider", "rate_per_unit", "volume_per_week"]]
        under = scenarios[["scenario", "service", "provider", "required_rate"]].merge(
            rates, on=["service", "provider"], how="inner"
        )
        under = under.rename(columns={"scenario": "option", "required_rate": "cost_per_unit"})
        parts.append(under[columns])
    return pd.concat(parts, ignore_index=True)[columns]


def sustainability(
    options: pd.DataFrame,
    rag: pd.DataFrame,
    links: Links,
    *,
    threshold: float = 0.0,
    at_risk: Sequence[str] = ("red",),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``sustainability`` table (:data:`~costofcare.tables.catalogue.SUSTAINABILITY`)
    and a ``no_rag`` issue per provider's service linked to no registered service."""
    rag_of = dict(zip(rag["registration_number"], rag["rag"], strict=True))
    frame = options[options["cost_per_unit"].notna() & options["rate_per_unit"].notna()].copy()
    frame = frame[frame["cost_per_unit"] > 0]
    numbers, worst, records = [], [], []
    seen: set[tuple[str, str]] = set()
    for provider, service in zip(frame["provider"], frame["service"], strict=True):
        linked = links.numbers(provider, service)
        rags = [rag_of[n] for n in linked if n in rag_of]
        numbers.append("; ".join(linked))
        worst.append(max(rags, key=SEVERITY.get) if rags else "")
        if not rags and (provider, service) not in seen:
            seen.add((provider, service))
            records.append(
                issue_row(
                    "no_rag",
                    "",
                    "",
                    "provider",
                    f"{provider} ({service}) is linked to no registered service by the "
                    "registration number on its return or its name; it has no RAG",
                    provider,
                )  # fmt: skip
            )
    frame["registration_numbers"] = numbers
    frame["rag"] = worst
    frame["gap_share"] = (frame["rate_per_unit"] - frame["cost_per_unit"]) / frame["cost_per_unit"]
    frame["below_threshold"] = frame["gap_share"] < -threshold
    frame["at_risk"] = frame["below_threshold"] & frame["rag"].isin(list(at_risk))
    return frame[_COLUMNS].reset_index(drop=True), issue_frame(records)


_SUMMARY = ["option", "service", "providers", "below_threshold", "at_risk", "volume_per_week",
            "volume_at_risk_per_week", "share_of_volume_at_risk", "spend_per_week",
            "spend_at_risk_per_week", "share_of_spend_at_risk"]  # fmt: skip


def at_risk_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per option and service, and for ``all`` services: providers (once per service),
    those below the threshold and at risk, and the shares at risk.

    Volume is counted in each service's own unit (contact hours, resident weeks, support
    hours), so ``share_of_volume_at_risk`` is given per service only; across services the
    common measure is spend a week (volume x the proposed rate): ``share_of_spend_at_risk``.
    """
    if table.empty:
        return pd.DataFrame(columns=_SUMMARY)
    volume = table["volume_per_week"].fillna(0.0)
    spend = volume * table["rate_per_unit"]
    frame = table.assign(
        volume=volume,
        volume_at_risk=np.where(table["at_risk"], volume, 0.0),
        spend=spend,
        spend_at_risk=np.where(table["at_risk"], spend, 0.0),
    )
    grouped = pd.concat([frame, frame.assign(service="all")]).groupby(
        ["option", "service"], sort=False
    )
    out = grouped.agg(
        providers=("provider", "size"),
        below_threshold=("below_threshold", "sum"),
        at_risk=("at_risk", "sum"),
        volume_per_week=("volume", "sum"),
        volume_at_risk_per_week=("volume_at_risk", "sum"),
        spend_per_week=("spend", "sum"),
        spend_at_risk_per_week=("spend_at_risk", "sum"),
    ).reset_index()
    out["share_of_volume_at_risk"] = out["volume_at_risk_per_week"] / out[
        "volume_per_week"
    ].replace(0.0, np.nan)
    out["share_of_spend_at_risk"] = out["spend_at_risk_per_week"] / out["spend_per_week"].replace(
        0.0, np.nan
    )
    units_differ = out["service"] == "all"
    out.loc[units_differ, ["volume_per_week", "volume_at_risk_per_week",
                           "share_of_volume_at_risk"]] = np.nan  # fmt: skip
    return out[_SUMMARY]


def rag_by_gap(table: pd.DataFrame) -> pd.DataFrame:
    """Per option and service, the providers in each RAG result and whether the rate covers
    the cost: ``option, service, rag, below_threshold, providers, volume_per_week``."""
    frame = table.assign(rag=table["rag"].replace("", "no RAG"))
    return (
        frame.groupby(["option", "service", "rag", "below_threshold"], sort=False)
        .agg(providers=("provider", "count"), volume_per_week=("volume_per_week", "sum"))
        .reset_index()
    )
