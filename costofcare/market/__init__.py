"""The market beside the fee decision: provider quality and risk, market shape and contracts.

Tables in, tables out, rules as data and problems as issue rows, like the other steps. Its
inputs are the council's register of services (:data:`costofcare.tables.catalogue.REGISTER`),
regulator ratings, local monitoring indicators, spend, demand and contract data, set in the
``[market]`` table of a run config.
"""

__all__: list[str] = []
