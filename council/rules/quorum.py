"""Quorum rules: how many ballots (t) an option needs, and what that t tolerates.

Rules are pure functions of the council size n. ``f`` is always floor((n-1)/3), the most faulty
seats a Byzantine protocol can survive, whatever the number actually seated.

Beyond one threshold, ``parse_quorum`` reads every ``--quorum`` spec: a threshold rule (a name in
``RULES`` or a fraction), a quorum system named in ``SYSTEMS`` (``groups:G/P``), or a quorum file
(``FILE.yaml``, see ``council.contracts.quorum_file``). ``quorum_system`` turns the rule into a
predicate over a seated council.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from council.contracts.principles import GROUPS
from council.contracts.quorum_file import NamedQuorums
from council.contracts.record import Tolerance
from council.library.files import load_quorum_file
from council.rules.registry import Registry, SpecError

Threshold = Callable[[int], int]
"""A quorum rule: council size n -> threshold t."""

RULES: Registry[Threshold] = Registry("quorum rule")


def max_faulty(n: int) -> int:
    """The classic Byzantine bound f = floor((n - 1) / 3).

    >>> [max_faulty(n) for n in (1, 3, 4, 7, 33)]
    [0, 0, 1, 2, 10]
    """
    return max(0, (n - 1) // 3)


def bft_quorum(n: int) -> int:
    """Byzantine quorum q = ceil((n + f + 1) / 2).

    >>> [bft_quorum(n) for n in (1, 4, 7, 33)]
    [1, 3, 5, 22]
    """
    return -(-(n + max_faulty(n) + 1) // 2)


def majority(n: int) -> int:
    """Strict majority floor(n / 2) + 1.

    >>> [majority(n) for n in (1, 4, 33)]
    [1, 3, 17]
    """
    return n // 2 + 1


def supermajority(n: int) -> int:
    """Two thirds, ceil(2n / 3).

    >>> [supermajority(n) for n in (1, 4, 33)]
    [1, 3, 22]
    """
    return -(-2 * n // 3)


def unanimity(n: int) -> int:
    """Every seat, n.

    >>> unanimity(33)
    33
    """
    return n


def fraction(p: Fraction) -> Threshold:
    """A fraction p in (0, 1] of the seats, ceil(p * n), computed exactly.

    >>> fraction(Fraction("0.7"))(10)
    7
    """

    def rule(n: int) -> int:
        return max(1, -(-p.numerator * n // p.denominator))

    return rule


@RULES.register("bft")
def _bft(_: str | None) -> Threshold:
    """Byzantine quorum ceil((n+f+1)/2) with f = floor((n-1)/3)."""
    return bft_quorum


@RULES.register("majority")
def _majority(_: str | None) -> Threshold:
    """Strict majority, floor(n/2)+1."""
    return majority


@RULES.register("supermajority")
def _supermajority(_: str | None) -> Threshold:
    """Two thirds, ceil(2n/3)."""
    return supermajority


@RULES.register("unanimity")
def _unanimity(_: str | None) -> Threshold:
    """Every seat."""
    return unanimity


def parse_rule(spec: str) -> Threshold:
    """A rule from its spec: a registered name or a fraction such as ``0.6``."""
    if spec and (spec[0].isdigit() or spec[0] == "."):
        try:
            p = Fraction(spec)
        except (ValueError, ZeroDivisionError):
            raise SpecError(f"quorum {spec!r} is not a number") from None
        if not 0 < p <= 1:
            raise SpecError(f"quorum fraction {spec} must be in (0, 1]")
        return fraction(p)
    return RULES.create(spec)


def threshold(spec: str, n: int) -> int:
    """The count t a rule gives for n seats.

    >>> threshold("bft", 33), threshold("0.6", 33), threshold("majority", 33)
    (22, 20, 17)
    """
    return parse_rule(spec)(n)


def tolerates(n: int, t: int) -> Tolerance:
    """Faulty seats that safety (2t-n-1) and liveness (n-t) survive at threshold t.

    >>> tolerates(33, 22)
    Tolerance(safety=10, liveness=11)
    """
    return Tolerance(safety=2 * t - n - 1, liveness=n - t)


@dataclass(frozen=True)
class CountRule:
    """A threshold rule: t = count(n) supporters, whoever they are."""

    spec: str
    count: Threshold


@dataclass(frozen=True)
class GroupRule:
    """At least ``share[g]`` of group g's seats in at least ``groups`` of the listed groups."""

    spec: str
    groups: int
    share: dict[str, Fraction] = field(hash=False)


@dataclass(frozen=True)
class ListedRule:
    """Named minimal quorums: a decision needs one of them covered (counts per group)."""

    spec: str
    quorums: dict[str, dict[str, int]] = field(hash=False)


QuorumRule = CountRule | GroupRule | ListedRule
"""What a ``--quorum`` spec names, before it meets a council."""

SYSTEMS: Registry[QuorumRule] = Registry("quorum system")


def _share(text: str, what: str) -> Fraction:
    try:
        p = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise SpecError(f"{what} {text!r} is not a number") from None
    if not 0 < p <= 1:
        raise SpecError(f"{what} {text} must be in (0, 1]")
    return p


@SYSTEMS.register("groups", arg="G/P")
def _groups(arg: str | None) -> QuorumRule:
    """At least a share P of the seats of each of at least G of the four stakeholder groups."""
    count, sep, share = (arg or "").partition("/")
    if not sep or not count.isdigit() or not 1 <= int(count) <= len(GROUPS):
        raise SpecError(f"quorum groups:{arg}: write groups:G/P with G in 1..4 and P in (0, 1]")
    p = _share(share, f"quorum groups:{arg}: share")
    return GroupRule(f"groups:{arg}", int(count), dict.fromkeys(GROUPS, p))


def is_quorum_file(spec: str) -> bool:
    """Whether a ``--quorum`` spec names a quorum file (it ends in .yaml or .yml)."""
    return spec.endswith((".yaml", ".yml"))


def parse_quorum(spec: str) -> QuorumRule:
    """Any ``--quorum`` spec: a threshold rule, ``groups:G/P`` or a quorum file.

    SpecError if a spec is wrong; LoadError (``FILE: field: what is wrong``) if a file is.

    >>> parse_quorum("groups:3/0.5").groups
    3
    """
    if is_quorum_file(spec):
        loaded = load_quorum_file(Path(spec))
        if isinstance(loaded, NamedQuorums):
            return ListedRule(
                spec, {k: {str(g): c for g, c in v.items()} for k, v in loaded.quorums.items()}
            )
        shares = (
            loaded.share if isinstance(loaded.share, dict) else dict.fromkeys(GROUPS, loaded.share)
        )
        return GroupRule(spec, loaded.groups, {g: Fraction(str(v)) for g, v in shares.items()})
    if spec.partition(":")[0] in SYSTEMS.names():
        return SYSTEMS.create(spec)
    return CountRule(spec, parse_rule(spec))


def parse_weights(spec: str) -> dict[str, float]:
    """``--weights government=2,industry=1``: a weight >= 0 per named group (others weigh 1).

    >>> parse_weights("government=2, civil_society=0.5")
    {'government': 2.0, 'civil_society': 0.5}
    """
    weights: dict[str, float] = {}
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        group, sep, value = part.partition("=")
        group = group.strip()
        if not sep or group not in GROUPS:
            raise SpecError(
                f"--weights: {part!r} is not GROUP=WEIGHT with GROUP one of {', '.join(GROUPS)}"
            )
        if group in weights:
            raise SpecError(f"--weights: {group} is given twice")
        try:
            weight = Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise SpecError(f"--weights: {group}={value.strip()} is not a number") from None
        if weight < 0:
            raise SpecError(f"--weights: {group}={value.strip()} is negative")
        weights[group] = float(weight)
    if not weights:
        raise SpecError("--weights: give GROUP=WEIGHT pairs, e.g. government=2,industry=1")
    return weights
