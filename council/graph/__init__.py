"""The deliberation as a LangGraph graph: state, nodes and edges, wiring only.

Lives here: ``wiring`` (the graph: every seat of a phase fanned out with ``Send``).

May import: ``council.reasoners``, ``council.engine`` and below. Only this package imports
langgraph's graph API.
"""
