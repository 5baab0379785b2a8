"""Nearest neighbours: the authorities most like ours, in the manner of CIPFA's model.

CIPFA's Nearest Neighbours Model ranks authorities by how alike they are on a set of
characteristics (population, age, deprivation, sparsity, labour market ...). The method
here follows the same steps, with the characteristics and weights supplied by the user:

1. each characteristic is standardised to a z-score across the authorities in the table,
   ``z = (x - mean) / standard deviation`` (population standard deviation, ``ddof=0``);
2. the distance between authorities ``a`` and ``b`` is the weighted Euclidean distance
   ``d(a, b) = sqrt( sum_j w_j (z_aj - z_bj)^2 / sum_j w_j )``;
3. an authority's nearest neighbours are the ``k`` others with the smallest distance
   (ties broken by name, so the answer does not depend on row order).

Skewed characteristics (population, for instance) are often compared on a log scale; pass
``log=("population_65_plus",)`` to take natural logs before standardising.

No characteristics are shipped: supply a table with an ``authority`` column and one numeric
column per characteristic (e.g. ONS mid-year population aged 65+, IMD average score, share
of population in rural areas, ASHE median hourly pay), each with its source recorded by you.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import UserError


class NeighboursError(UserError):
    """A characteristics table, weight or authority that cannot be used."""


class NearestNeighbours:
    """Find the ``k`` authorities most similar to a given one by standardised distance.

    Parameters
    ----------
    k
        How many neighbours to return.
    weights
        ``{characteristic: weight}``; characteristics not named get weight 1. A weight of 0
        leaves a characteristic out.
    features
        The characteristic columns to use (default: every numeric column but ``authority``).
    log
        Characteristics to take natural logs of before standardising (values must be > 0).

    Attributes
    ----------
    features_ : list of str
    weights_ : pandas.Series
    means_, scales_ : pandas.Series
        Mean and population standard deviation of each characteristic (after any log).
    standardised_ : pandas.DataFrame
        z-scores, one row per authority.
    distances_ : pandas.DataFrame
        Square matrix of distances between authorities.

    Examples
    --------
    >>> nn = NearestNeighbours(k=3, weights={"imd_score": 2}).fit(table)   # doctest: +SKIP
    >>> nn.neighbours("Rotherham")                                        # doctest: +SKIP
    """

    def __init__(
        self,
        k: int = 5,
        weights: Mapping[str, float] | None = None,
        features: Sequence[str] | None = None,
        log: Sequence[str] = (),
    ) -> None:
        self.k = k
        self.weights = weights
        self.features = features
        self.log = log

    def fit(self, characteristics: pd.DataFrame) -> NearestNeighbours:
        """Standardise the characteristics and compute every pairwise distance."""
        if "authority" not in characteristics.columns:
            raise NeighboursError(
                "the characteristics table needs an 'authority' column naming each authority"
            )
        table = characteristics.copy()
        table["authority"] = table["authority"].astype(str).str.strip()
        duplicated = table["authority"].duplicated()
        if duplicated.any():
            raise NeighboursError(
                f"authority {table.loc[duplicated, 'authority'].iloc[0]!r} appears more than "
                f"once in the characteristics table"
            )
        table = table.set_index("authority")
        features = list(self.features) if self.features is not None else self._numeric(table)
        unknown = [f for f in features if f not in table.columns]
        if unknown:
            raise NeighboursError(
                f"characteristic(s) {', '.join(unknown)} not in the table "
                f"(columns: {', '.join(map(str, table.columns))})"
            )
        weights = pd.Series(1.0, index=features)
        for name, weight in (self.weights or {}).items():
            if name not in weights.index:
                raise NeighboursError(
                    f"weight given for {name!r}, which is not a characteristic in use "
                    f"({', '.join(features)})"
                )
            if not np.isfinite(weight) or weight < 0:
                raise NeighboursError(f"weight for {name!r} must be 0 or more, got {weight!r}")
            weights[name] = float(weight)
        weights = weights[weights > 0]
        if weights.empty:
            raise NeighboursError("no characteristic has a positive weight")
        features = list(weights.index)
        values = table[features].apply(pd.to_numeric, errors="coerce")
        if values.isna().to_numpy().any():
            where = values.isna().stack()
            authority, feature = where[where].index[0]
            raise NeighboursError(
                f"{authority!r} has no numeric value for {feature!r} "
                f"(found {table.loc[authority, feature]!r}); every authority needs every "
                f"characteristic"
            )
        for name in self.log:
            if name not in values:
                raise NeighboursError(f"cannot take logs of {name!r}: it is not in use")
            if (values[name] <= 0).any():
                raise NeighboursError(f"cannot take logs of {name!r}: it has values <= 0")
            values[name] = np.log(values[name])
        if len(values) < 2:
            raise NeighboursError("need at least two authorities to find neighbours")
        means = values.mean()
        scales = values.std(ddof=0)
        constant = scales[scales == 0]
        if not constant.empty:
            raise NeighboursError(
                f"characteristic {constant.index[0]!r} has the same value for every authority, "
                f"so it cannot tell them apart; leave it out or give it weight 0"
            )
        z = (values - means) / scales
        w = weights.to_numpy()
        array = z.to_numpy()
        diff = array[:, None, :] - array[None, :, :]
        distance = np.sqrt((diff**2 * w).sum(axis=2) / w.sum())
        self.features_ = features
        self.weights_ = weights
        self.means_ = means
        self.scales_ = scales
        self.standardised_ = z
        self.distances_ = pd.DataFrame(distance, index=z.index, columns=z.index)
        return self

    @staticmethod
    def _numeric(table: pd.DataFrame) -> list[str]:
        numeric = [
            c for c in table.columns if pd.to_numeric(table[c], errors="coerce").notna().all()
        ]
        if not numeric:
            raise NeighboursError("the characteristics table has no numeric characteristic")
        return numeric

    def neighbours(self, authority: str, k: int | None = None) -> pd.DataFrame:
        """The ``k`` nearest authorities to ``authority``, nearest first.

        Returns
        -------
        pandas.DataFrame
            ``authority, distance, rank`` (1 = most similar).
        """
        if not hasattr(self, "distances_"):
            raise NeighboursError("call fit(characteristics) before neighbours(authority)")
        if authority not in self.distances_.index:
            raise NeighboursError(
                f"{authority!r} is not in the characteristics table "
                f"({len(self.distances_)} authorities, e.g. "
                f"{', '.join(list(self.distances_.index[:3]))})"
            )
        k = self.k if k is None else k
        if k < 1:
            raise NeighboursError(f"k must be at least 1, got {k}")
        row = self.distances_.loc[authority].drop(authority)
        ordered = (
            pd.DataFrame({"authority": row.index, "distance": row.to_numpy()})
            .sort_values(["distance", "authority"], kind="mergesort")
            .head(k)
            .reset_index(drop=True)
        )
        ordered["rank"] = np.arange(1, len(ordered) + 1)
        return ordered
