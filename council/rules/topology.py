"""Communication topologies: who hears whom in deliberation (a networkx graph, seeded)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

from council.contracts.choices import Topology

if TYPE_CHECKING:
    import networkx as nx


def build_graph(kind: Topology, n: int, *, seed: int) -> nx.Graph:
    """The undirected communication graph of ``n`` seats (``complete`` below 4 seats)."""
    import networkx as nx  # here: a complete council (the default) needs no graph library

    if kind == "complete" or n < 4:
        return nx.complete_graph(n)
    if kind == "ring":
        return nx.cycle_graph(n)
    if kind == "small-world":
        return nx.connected_watts_strogatz_graph(n, k=min(4, n - 1), p=0.2, tries=100, seed=seed)
    if kind == "scale-free":
        return nx.barabasi_albert_graph(n, m=min(2, n - 1), seed=seed)
    raise ValueError(f"unknown topology {kind!r}")


@functools.lru_cache(maxsize=256)
def adjacency(kind: Topology, n: int, seed: int) -> np.ndarray:
    """Boolean matrix A with A[i, j] true when seat i hears seat j (no self-loops); read-only."""
    if kind == "complete" or n < 4:
        matrix = ~np.eye(n, dtype=bool)
    else:
        import networkx as nx

        matrix = nx.to_numpy_array(build_graph(kind, n, seed=seed), dtype=bool)
        np.fill_diagonal(matrix, False)
    matrix.setflags(write=False)
    return matrix
