"""Loading the library's files safely: personas, scenarios, and the other YAML file formats.

Lives here: ``loader`` (safe YAML, one-line problems), ``catalog`` (the persona and scenario
library: where it lives, loading it whole), ``files`` (quorum files and models files),
``schema`` (the JSON schemas of every file format).

May import: ``council.contracts``.
"""
