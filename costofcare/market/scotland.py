"""Scotland: the National Care Home Contract rates and the adult social care pay floor.

The National Care Home Contract (NCHC) sets the weekly rate for most older people's care
home places in Scotland, negotiated each year by COSLA and Scottish Care. Its rates are
dated parameters (``nchc_residential_weekly``, ``nchc_nursing_weekly``) with their sources;
the years not in the data are gaps, never filled in. The Scottish Government's minimum
hourly pay for adult social care in commissioned services is the parameter
``scotland_social_care_min_hourly``; a contract passes it through to its staffing share with
the ``scottish_pay_floor`` method (:mod:`costofcare.market.contract_value`).
"""

from __future__ import annotations

import pandas as pd

__all__ = ["NCHC_PARAMETERS", "SCOTTISH_PAY_FLOOR", "nchc_rates"]

#: The NCHC rate of each care category, by parameter name.
NCHC_PARAMETERS = {"residential": "nchc_residential_weekly", "nursing": "nchc_nursing_weekly"}
#: The parameter behind the ``scottish_pay_floor`` uplift method.
SCOTTISH_PAY_FLOOR = "scotland_social_care_min_hourly"


def nchc_rates(params) -> pd.DataFrame:
    """The NCHC weekly rates as a dated series with their sources, oldest first.

    Returns
    -------
    DataFrame: ``care_category``, ``rate_per_resident_week`` (GBP), ``effective_from``,
    ``effective_to``, ``status``, ``flags``, ``source_title``, ``source_url``, ``note``.
    """
    frames = []
    for category, name in NCHC_PARAMETERS.items():
        history = params.history(name)
        frames.append(
            pd.DataFrame(
                {
                    "care_category": category,
                    "rate_per_resident_week": history["value"].astype(float),
                    "effective_from": history["effective_from"],
                    "effective_to": history["effective_to"],
                    "status": history["status"],
                    "flags": history["flags"],
                    "source_title": history["source_title"],
                    "source_url": history["source_url"],
                    "note": history["note"],
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["effective_from", "care_category"]).reset_index(drop=True)
