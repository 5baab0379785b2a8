"""The contract calendar: contracts and frameworks ending inside the recommissioning lead time.

Recommissioning takes time (East Lothian put it at 24 months: scoping, co-production,
business modelling and transition). A contract whose end is closer than that is flagged: it
should be being recommissioned already, and the date that had to happen by
(``start_by = end − lead time``) is shown. An extension the council may still take is
looked at separately: it may buy the time needed.

East Lothian, October 2015, is the worked test: the specialist care at home framework,
extended to 31 March 2016, had 5 months left inside a 24-month lead time.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["STATUSES", "contract_calendar", "months_between"]

#: What the calendar says of a contract.
STATUSES = {
    "ended": "already ended",
    "inside_lead_time": "ends inside the lead time: recommissioning should have started",
    "extension_covers": "ends inside the lead time, but the extension left would cover it",
    "outside_lead_time": "ends after the lead time",
}


def months_between(start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Whole calendar months from ``start`` to ``end`` (negative when ``end`` is earlier).

    A month counts once its day is reached: 29 October 2015 to 31 March 2016 is 5 months
    (and 2 days); 31 October to 30 November is 0 (30 November comes before the 31st).

    >>> months_between(pd.Timestamp("2015-10-29"), pd.Timestamp("2016-03-31"))
    5
    """
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if months > 0 and end.day < start.day:
        months -= 1
    elif months < 0 and end.day > start.day:
        months += 1
    return months


def contract_calendar(contracts: pd.DataFrame, on: object, lead_time_months: float) -> pd.DataFrame:
    """Each contract's months left on ``on`` against its recommissioning lead time.

    Parameters
    ----------
    contracts : a checked contracts table; a row's own ``lead_time_months`` wins over the
        default.
    on : the date the calendar is read on.
    lead_time_months : the default lead time.

    Returns
    -------
    The contracts (``contract_id``, ``name``, ``provider``, ``service_type``,
    ``contract_type``, ``end``, ``annual_value``) with ``lead_time_months``,
    ``months_left``, ``start_by`` (end − lead time), ``months_late`` (months since
    ``start_by``, 0 when not yet due), ``extended_end``, ``months_left_extended``,
    ``flagged`` (months left ≤ lead time and not ended) and ``status`` (a key of
    :data:`STATUSES`), soonest end first.
    """
    day = pd.Timestamp(on)
    frame = contracts.copy()
    own = pd.to_numeric(frame["lead_time_months"], errors="coerce")
    frame["lead_time_months"] = own.fillna(float(lead_time_months))
    ends = pd.to_datetime(frame["end"])
    extension = pd.to_numeric(frame["extension_months"], errors="coerce").fillna(0.0)
    frame["months_left"] = [months_between(day, end) for end in ends]
    frame["start_by"] = [
        end - pd.DateOffset(months=int(lead))
        for end, lead in zip(ends, frame["lead_time_months"], strict=True)
    ]
    frame["months_late"] = [
        max(months_between(start, day), 0) if start < day else 0 for start in frame["start_by"]
    ]
    frame["extended_end"] = [
        end + pd.DateOffset(months=int(months)) for end, months in zip(ends, extension, strict=True)
    ]
    frame["months_left_extended"] = [months_between(day, end) for end in frame["extended_end"]]
    ended = ends < day
    inside = ~ended & (frame["months_left"] <= frame["lead_time_months"])
    covered = inside & (extension > 0) & (frame["months_left_extended"] > frame["lead_time_months"])
    frame["flagged"] = inside
    frame["status"] = "outside_lead_time"
    frame.loc[inside, "status"] = "inside_lead_time"
    frame.loc[covered, "status"] = "extension_covers"
    frame.loc[ended, "status"] = "ended"
    columns = ["contract_id", "name", "provider", "service_type", "contract_type", "end",
               "annual_value", "lead_time_months", "months_left", "start_by", "months_late",
               "extended_end", "months_left_extended", "flagged", "status"]  # fmt: skip
    return frame.loc[:, columns].sort_values(["end", "contract_id"]).reset_index(drop=True)
