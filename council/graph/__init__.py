"""The deliberation as a LangGraph graph: state, nodes and edges, wiring only.

Lives here: ``state`` (what the graph carries, plain data, and its typed readers), ``speak``
(one seat's turn: LLM, person or offline rule), ``tasks`` (what each seat is given in a round,
fanned out with ``Send``), ``wiring`` (the other nodes, the routers and the builder).

May import: ``council.reasoners``, ``council.engine`` and below. Only this package imports
langgraph's graph API.
"""
