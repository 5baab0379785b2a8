"""The care category of a care home return: the market its costs are benchmarked in.

The 2022 Fair Cost of Care Annex B prices 65+ care homes as separate markets (residential,
nursing, with and without enhanced needs such as dementia). A care home return says which
it is in two places, and the category is derived from them by one stated rule:

* ``care_category`` is the home's registration as the return gives it in ``home_type``:
  ``Residential`` -> ``residential``, ``Nursing`` -> ``nursing``, ``Residential and nursing``
  -> ``dual``. A blank or unrecognised type gives a blank category (the home then counts only
  in the pooled care home market).
* ``enhanced_care`` is true when residents with enhanced needs
  (``residents_residential_enhanced + residents_nursing_enhanced``) are more than half of the
  residents counted by type of care (those two plus ``residents_residential`` and
  ``residents_nursing``). A return that gives no residents by type of care is not enhanced.

Other services have no care category (blank, and ``enhanced_care`` false).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..tables.catalogue import CARE_CATEGORIES
from .returnvalues import ReturnValues

__all__ = ["CARE_CATEGORIES", "HOME_TYPE_CATEGORY", "CareCategory", "care_category"]

#: the care category of each type of home the care home template offers
HOME_TYPE_CATEGORY = {
    "Residential": "residential",
    "Nursing": "nursing",
    "Residential and nursing": "dual",
}
#: residents by type of care with enhanced needs, and without
ENHANCED_FIELDS = ("residents_residential_enhanced", "residents_nursing_enhanced")
STANDARD_FIELDS = ("residents_residential", "residents_nursing")
#: enhanced needs when more than this share of the residents counted by type of care have them
ENHANCED_MAJORITY = 0.5


@dataclass(frozen=True)
class CareCategory:
    """A care home return's market: ``category`` (blank when not known) and ``enhanced``."""

    category: str = ""
    enhanced: bool = False


def residents(values: ReturnValues, names: tuple[str, ...]) -> float:
    """Residents in the fields ``names`` (a blank field counts 0)."""
    total = 0.0
    for name in names:
        count = values.number(name)
        if math.isfinite(count):
            total += count
    return total


def care_category(values: ReturnValues) -> CareCategory:
    """The care category of one return (see the module docstring for the rule).

    Parameters
    ----------
    values : ReturnValues
        One return's values (:func:`costofcare.costs.returnvalues.split_returns`).

    Returns
    -------
    CareCategory
        Blank and not enhanced for a service other than ``care_home``.
    """
    if str(values.service) != "care_home":
        return CareCategory()
    found = values.single("home_type")
    category = HOME_TYPE_CATEGORY.get("" if found is None else found.text.strip(), "")
    enhanced = residents(values, ENHANCED_FIELDS)
    counted = enhanced + residents(values, STANDARD_FIELDS)
    return CareCategory(category, counted > 0 and enhanced / counted > ENHANCED_MAJORITY)
