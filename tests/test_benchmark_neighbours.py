"""Nearest neighbours on a table small enough to work out by hand.

    authority  population_65_plus  imd_score      z(pop)  z(imd)
    Aford            10 000           10            -1      -1
    Bford            10 000           30            -1      +1
    Cford            30 000           10            +1      -1
    Dford            30 000           30            +1      +1

Means 20 000 and 20; population standard deviations 10 000 and 10, so the z-scores are
+/-1. Distance d(a, b) = sqrt(sum w (za - zb)^2 / sum w).
"""

import math

import pandas as pd
import pytest

from costofcare.benchmark.neighbours import NearestNeighbours, NeighboursError


def characteristics() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "authority": ["Aford", "Bford", "Cford", "Dford"],
            "population_65_plus": [10_000, 10_000, 30_000, 30_000],
            "imd_score": [10, 30, 10, 30],
        }
    )


def test_standardised_scores():
    nn = NearestNeighbours(k=3).fit(characteristics())
    assert nn.standardised_.loc["Aford"].tolist() == [-1, -1]
    assert nn.scales_.tolist() == [10_000, 10]


def test_weighted_neighbours_hand_worked():
    nn = NearestNeighbours(k=3, weights={"imd_score": 3}).fit(characteristics())
    found = nn.neighbours("Aford")
    # Cford differs on population only: sqrt(1 x 2^2 / 4) = 1
    # Bford differs on deprivation only: sqrt(3 x 2^2 / 4) = sqrt(3)
    # Dford differs on both: sqrt((1 x 4 + 3 x 4) / 4) = 2
    assert found["authority"].tolist() == ["Cford", "Bford", "Dford"]
    assert found["distance"].tolist() == pytest.approx([1, math.sqrt(3), 2])
    assert found["rank"].tolist() == [1, 2, 3]


def test_equal_weights_tie_broken_by_name_and_scale_does_not_matter():
    nn = NearestNeighbours(k=2).fit(characteristics())
    found = nn.neighbours("Aford")
    # Bford and Cford are both sqrt(4 / 2) away; the tie goes to the first name
    assert found["authority"].tolist() == ["Bford", "Cford"]
    assert found["distance"].tolist() == pytest.approx([math.sqrt(2), math.sqrt(2)])
    # raw population differences are 1000x the deprivation ones, yet count the same
    assert nn.distances_.loc["Aford", "Bford"] == pytest.approx(nn.distances_.loc["Aford", "Cford"])


def test_log_scale():
    table = characteristics().assign(population_65_plus=[1.0, 1.0, math.e**2, math.e**2])
    nn = NearestNeighbours(log=("population_65_plus",)).fit(table)
    # logs 0, 0, 2, 2: mean 1, sd 1
    assert nn.standardised_["population_65_plus"].tolist() == pytest.approx([-1, -1, 1, 1])


def test_zero_weight_leaves_a_characteristic_out():
    nn = NearestNeighbours(k=1, weights={"population_65_plus": 0}).fit(characteristics())
    assert nn.features_ == ["imd_score"]
    assert nn.neighbours("Aford")["authority"].tolist() == ["Cford"]


def test_errors_name_the_problem():
    with pytest.raises(NeighboursError, match="'Zford' is not in the characteristics table"):
        NearestNeighbours().fit(characteristics()).neighbours("Zford")
    gap = characteristics().astype({"imd_score": object})
    gap.loc[1, "imd_score"] = "n/a"
    with pytest.raises(NeighboursError, match="'Bford' has no numeric value for 'imd_score'"):
        NearestNeighbours(features=["population_65_plus", "imd_score"]).fit(gap)
    flat = characteristics().assign(sparsity=0.5)
    with pytest.raises(NeighboursError, match="'sparsity' has the same value for every"):
        NearestNeighbours().fit(flat)
    with pytest.raises(NeighboursError, match="weight given for 'wages'"):
        NearestNeighbours(weights={"wages": 2}).fit(characteristics())
    with pytest.raises(NeighboursError, match="needs an 'authority' column"):
        NearestNeighbours().fit(characteristics().drop(columns="authority"))
