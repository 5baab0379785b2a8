"""Plain-English notes on the methods, shown on the workbook's "Method notes" sheet."""

METHOD_NOTES: tuple[tuple[str, str], ...] = (
    (
        "What this workbook is",
        "The council's recommended fee rates for each service type, the reasoning and the "
        "arithmetic behind them. Shaded cells are inputs. Every other number on the service "
        "sheets is a live formula: change an input and the rates, spend and budget impact "
        "recalculate. Each formula was written with its value, so the numbers are right even "
        "in an application that does not recalculate.",
    ),
    (
        "Move to a percentile of the local cost of care",
        "Each provider's returned cost per unit is rolled forward to the year the new rates "
        "apply: staffing lines by the wage change, other cost lines by the price change, and "
        "the return (surplus) lines in proportion to the costs they are a return on. The "
        "target rate is PERCENTILE.INC of these rolled-forward totals at the chosen "
        "percentile (0.5, the median, is the usual 'fair' point). Every provider is offered "
        "the target rate, subject to the guardrails.",
    ),
    (
        "Weighted index uplift",
        "uplift = staffing share × wage change + (1 − staffing share) × price change. The "
        "staffing share is given in the configuration or taken from the providers' returned "
        "costs, weighted by the volume each provider delivers. Every provider's current rate "
        "rises by the same uplift, subject to the guardrails.",
    ),
    (
        "Bottom-up recomputation under a scenario",
        "The target rate is the modelled cost per unit from the scenarios step under the "
        "named scenario (for example a wage policy). Every provider is offered it, subject to "
        "the guardrails.",
    ),
    (
        "Fit to a budget",
        "Annual spend = Σ weeks × units a week × rate, with the guardrails applied to every "
        "trial rate, so spend is piecewise linear in the uplift. The uplift that makes spend "
        "equal the envelope is found with scipy.optimize.brentq. 'Uniform' raises every rate "
        "by the same percentage. 'Floor first' first brings every rate up to the wage floor "
        "cost, then shares what is left, either as the same percentage or the same pence per "
        "unit. If the uplift cap binds before the envelope is spent, the rest is left "
        "unspent; if the envelope cannot pay for the wage floor, the shortfall is reported. "
        "The fit uses unrounded rates; rounding each rate to the penny moves spend by at most "
        "half a penny per unit bought.",
    ),
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
        "proposed annual spend less the current annual spend, at the volumes given.",
    ),
)
