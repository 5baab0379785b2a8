"""Plain-English notes shown on the workbook's "Method notes" sheet.

The note on each method comes from its class (``Method.label`` and ``Method.note``); the
notes here are the ones every recommendation shares.
"""

#: Notes before the methods' own.
OPENING_NOTES: tuple[tuple[str, str], ...] = (
    (
        "What this workbook is",
        "The council's recommended fee rates for each service type, the reasoning and the "
        "arithmetic behind them. Shaded cells are inputs. Every other number on the service "
        "sheets is a live formula: change an input and the rates, spend and budget impact "
        "recalculate. Each formula was written with its value, so the numbers are right even "
        "in an application that does not recalculate.",
    ),
)

#: Notes after the methods' own (each method class carries its note).
CLOSING_NOTES: tuple[tuple[str, str], ...] = (
    (
        "Guardrails",
        "Each provider's uplift is clipped to the smallest and largest uplift allowed (a "
        "smallest uplift of 0 means no rate falls). Then no rate may be below the wage floor "
        "cost: the cost per unit of paying the legal minimum wage with statutory on-costs "
        "(employer NI above the secondary threshold, the minimum employer pension on "
        "qualifying earnings, statutory holiday carried by the hours worked). The wage floor "
        "wins over the uplift cap. Employment Allowance, sick pay, training and non-staff "
        "costs are left out on purpose: the floor is a lower bound, not a cost estimate. "
        "Rates are rounded to the penny, halves away from zero (Excel's ROUND).",
    ),
    (
        "Averages and budget impact",
        "Average rates are weighted by volume (spend ÷ units bought). Budget impact is the "
        "proposed annual spend less the current annual spend, at the volumes given, over the "
        "year from the effective date: its days ÷ 7 weeks (365 ÷ 7 = 52.14 weeks), as the "
        "scenarios step counts weeks.",
    ),
)


def method_notes(recommendations) -> list[tuple[str, str]]:
    """(heading, text) for every note: the shared ones and each method used, once."""
    methods = {type(rec.method): rec.method for rec in recommendations.values()}
    own = [(m.label[:1].upper() + m.label[1:], m.note) for m in methods.values() if m.note]
    return [*OPENING_NOTES, *own, *CLOSING_NOTES]
