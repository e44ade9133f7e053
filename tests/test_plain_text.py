"""Handouts and the app's texts: what models, files and people wrote is text, never Markdown.

Rendered by a real CommonMark parser (markdown-it-py, which rich already installs), the English
and Khmer handouts of a run whose rationales, scenario and reason hold images, links and HTML
make no ``<img>``, ``<a>`` or raw HTML, and still show the characters.
"""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from council.contracts.config import RunConfig
from council.contracts.record import RunRecord
from council.contracts.safe_text import markdown_literal
from council.present.handout import handout
from council.session import RunSession
from council.session.batch import run

HOSTILE = (
    "![x](http://127.0.0.1:9/beacon.png) <img src=http://127.0.0.1:9/h.png> "
    "[click](http://127.0.0.1:9/l) <script>alert(1)</script> | a | b | **bold** `code`"
)


def hostile_record() -> RunRecord:
    record = run(RunSession(RunConfig(scenario="kh-credit-scoring-isolated-data", size=4)))
    rounds = [
        rnd.model_copy(
            update={
                "statements": [s.model_copy(update={"rationale": HOSTILE}) for s in rnd.statements]
            }
        )
        for rnd in record.rounds
    ]
    outcome = record.outcome.model_copy(update={"reason": HOSTILE})
    return record.model_copy(update={"rounds": rounds, "outcome": outcome})


def html_of(markdown: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


@pytest.mark.parametrize("lang", ["en", "km"])
def test_a_handout_shows_hostile_text_and_makes_nothing_of_it(lang: str) -> None:
    html = html_of(handout(hostile_record(), lang))  # type: ignore[arg-type]
    assert "<img" not in html and "<a " not in html and "<script" not in html
    assert "![x](http://127.0.0.1:9/beacon.png)" in html  # the characters are all there
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "text",
    [
        HOSTILE,
        "<a href='x'>a</a>",
        "[ref]: http://127.0.0.1:9/r\n\n![ref]",
        "\\![x](http://127.0.0.1:9/b)",
        "<http://127.0.0.1:9/auto>",
        "# heading\n- item\n> quote",
        "Khmer ខ្មែរ text, unchanged",
    ],
)
def test_markdown_literal_renders_as_the_same_characters(text: str) -> None:
    html = html_of(markdown_literal(text))
    assert "<img" not in html and "<a " not in html and "<script" not in html
    assert "<h1" not in html and "<li" not in html and "<blockquote" not in html
    shown = [
        child.content
        for token in MarkdownIt("commonmark").parse(markdown_literal(text))
        for child in token.children or []
    ]
    assert "".join("".join(shown).split()) == "".join(text.split())
