"""The order rating batches are written in (pure)."""

from __future__ import annotations

import numpy as np
import pytest

from riskgraph.graph.results import far_apart_batches


@pytest.mark.parametrize(("n", "batch"), [(0, 3), (1, 3), (7, 3), (12, 3), (10, 2), (25_001, 1_000)])
def test_rating_batches_alternate_ends_and_cover_every_row_once(n: int, batch: int) -> None:
    rows = far_apart_batches(n, batch)
    assert sorted(rows.tolist()) == list(range(n))
    chunks = [rows[lo:lo + batch] for lo in range(0, n, batch)]
    assert all(np.array_equal(c, np.arange(c[0], c[0] + len(c))) for c in chunks)  # each a contiguous run
    if n // batch >= 4:
        assert [int(c[0]) // batch for c in chunks[:4]] == [0, n // batch - 1, 1, n // batch - 2]
