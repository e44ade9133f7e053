"""The sweep's factors by name: the config columns of its table, fixed and optional.

Names only, importing nothing: a sweep config can be read and its size checked without loading
the engine (``table`` adds the result columns, which come from the engine's metrics).
"""

FACTORS = (
    "scenario",
    "size",
    "byzantine",
    "fault",
    "protocol",
    "quorum",
    "method",
    "topology",
    "rounds",
    "update",
)
"""The config columns of the table, in the order the product runs them (the last fastest)."""
EXTRAS = ("weights", "faulty_groups", "drop", "partition", "delay")
"""Optional factors: a config that lists one gets its column after every fixed column, in
this order, and its values in the product after ``update`` (so tables without them stay as
they were, byte for byte)."""
NO_WEIGHTS, ALL_GROUPS, NO_PARTITION = "none", "all", "none"
"""The values of the optional text factors that leave a run as it would be without them."""
