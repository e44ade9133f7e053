"""The interface's words in English and Khmer, and the record's sentences in either.

Every string the workshop app shows is a key with both languages, in one of the tables merged
here (``i18n_pages``, ``i18n_form``, ``i18n_record``, ``i18n_llm``, ``i18n_room``, and the
progress words below); ``text`` looks one up and fills its fields. Scenario titles and
summaries come from the scenario's own ``translations`` when it has them. Record content
(persona names, rationales) stays as the run wrote it.

>>> text("run", "en"), text("run", "km")
('Run deliberation', 'ចាប់ផ្តើមការពិភាក្សា')
>>> text("round_title", "km", round=2)
'ជុំទី 2'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from types import MappingProxyType
from typing import get_args

from council.contracts.choices import Language
from council.contracts.formats import Persona, Scenario
from council.contracts.record import RunRecord
from council.present.i18n_form import FORM_TEXT
from council.present.i18n_help import HELP_TEXT
from council.present.i18n_llm import LLM_TEXT
from council.present.i18n_pages import PAGES_TEXT
from council.present.i18n_record import RECORD_TEXT
from council.present.i18n_room import ROOM_TEXT
from council.present.words import quorum_words, scenario_of

LANGS: tuple[Language, ...] = get_args(Language)
LANGUAGES: Mapping[Language, str] = MappingProxyType({"en": "English", "km": "ខ្មែរ"})
"""Each language's name, in itself (what the switch shows)."""


def _merged(*tables: Mapping[str, tuple[str, str]]) -> Mapping[str, tuple[str, str]]:
    """One read-only table of several; a key in two of them is a mistake, caught at import."""
    merged: dict[str, tuple[str, str]] = {}
    for table in tables:
        twice = merged.keys() & table.keys()
        if twice:
            raise KeyError(f"interface text defined twice: {sorted(twice)}")
        merged.update(table)
    return MappingProxyType(merged)


_PROGRESS_TEXT: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        # progress and stepping
        "deliberating": ("Deliberating…", "កំពុងពិភាក្សា…"),
        "progress_round": ("Round {round} finished", "ជុំទី {round} បានបញ្ចប់"),
        "progress_ballot": (
            "Ballot {ballot}: {committed} honest seats committed",
            "ការបោះឆ្នោតលើកទី {ballot}៖ អាសនៈស្មោះត្រង់ {committed} បានប្តេជ្ញា",
        ),
        "progress_done": ("Deliberation finished", "ការពិភាក្សាបានបញ្ចប់"),
        "progress_paused": ("Paused", "បានផ្អាក"),
        "facilitator": ("Facilitator", "អ្នកសម្របសម្រួល"),
        "step": ("Step round by round", "ដំណើរការម្តងមួយជុំ"),
        "reveal": ("Reveal faulty seats", "បង្ហាញអាសនៈមានកំហុស"),
        "next_step": ("Next step", "ជំហានបន្ទាប់"),
        "run_to_end": ("Run to the end", "បន្តរហូតដល់ចប់"),
        "paused": (
            "Paused after {rounds} round(s) and {ballots} ballot(s).",
            "បានផ្អាកបន្ទាប់ពី {rounds} ជុំ និងការបោះឆ្នោត {ballots} លើក។",
        ),
    }
)

# key -> (English, Khmer). Read-only: the app shares this module across browser sessions.
_TEXT = _merged(PAGES_TEXT, FORM_TEXT, HELP_TEXT, _PROGRESS_TEXT, RECORD_TEXT, LLM_TEXT, ROOM_TEXT)


def keys() -> list[str]:
    """Every key with text in both languages."""
    return list(_TEXT)


def text(key: str, lang: Language, /, **fields: object) -> str:
    """The interface text for ``key`` in ``lang``, its ``{fields}`` filled in.

    An unknown language falls back to English; an unknown key is a KeyError (a typo in a page).
    """
    english, khmer = _TEXT[key]
    template = khmer if lang == "km" else english
    return template.format(**fields) if fields else template


def choice_label(field: str, value: str, lang: Language) -> str:
    """A setting's choice in plain words, its id after it ("Majority (over half) · majority").

    A choice without plain words (a fraction, a fault's argument) is its id alone.

    >>> choice_label("protocol", "bft", "en")
    'Two-phase vote with locks · bft'
    >>> choice_label("fault", "persuader:suspend", "en")
    'Persuader: argues hard for one option · persuader:suspend'
    >>> choice_label("quorum", "0.6", "en")
    '0.6'
    """
    key = f"choice_{field}_{value.split(':', 1)[0]}"
    return f"{text(key, lang)} · {value}" if key in _TEXT else value


def group_name(group: str, lang: Language) -> str:
    """A stakeholder group's name (an unknown group as written).

    >>> group_name("civil_society", "en"), group_name("government", "km")
    ('Civil society', 'រដ្ឋាភិបាល')
    """
    key = f"group_{group}"
    return text(key, lang) if key in _TEXT else group


def scenario_title(scenario: Scenario, lang: Language) -> str:
    """The scenario's title, translated when the scenario carries a translation."""
    translated = scenario.translations.get(lang)
    return translated.title if translated and translated.title else scenario.title


def scenario_summary(scenario: Scenario, lang: Language) -> str:
    """The scenario's summary, translated when the scenario carries a translation."""
    translated = scenario.translations.get(lang)
    return translated.summary if translated and translated.summary else scenario.summary


def scenario_facts(scenario: Scenario, lang: Language) -> list[str]:
    """The scenario's facts, translated when the scenario carries them in ``lang``."""
    translated = scenario.translations.get(lang)
    return list(translated.facts) if translated and translated.facts else list(scenario.facts)


def scenario_affected(scenario: Scenario, lang: Language) -> list[str]:
    """Who bears the harm, translated when the scenario carries it in ``lang``."""
    translated = scenario.translations.get(lang)
    if translated and translated.affected:
        return list(translated.affected)
    return list(scenario.affected)


def option_label(scenario: Scenario, option_id: str, lang: Language) -> str:
    """An option's label, translated when the scenario carries it (KeyError: no such option)."""
    translated = scenario.translations.get(lang)
    if translated and option_id in translated.options:
        return translated.options[option_id]
    return scenario.option(option_id).label


def option_labels(scenario: Scenario, lang: Language) -> dict[str, str]:
    """Every option's label in ``lang`` (English where it has none), in file order."""
    return {o.id: option_label(scenario, o.id, lang) for o in scenario.options}


def persona_name(persona: Persona, lang: Language) -> str:
    """A persona's display name, translated when the persona carries one in ``lang``."""
    translated = persona.translations.get(lang)
    return translated.name if translated and translated.name else persona.name


def persona_role(persona: Persona, lang: Language) -> str:
    """A persona's role paragraph, translated when the persona carries one in ``lang``."""
    translated = persona.translations.get(lang)
    return translated.role if translated and translated.role else persona.role


def has_translation(scenario: Scenario, lang: Language) -> bool:
    """Whether the scenario has its title or summary in ``lang`` (English always does)."""
    return lang == "en" or lang in scenario.translations


def quorum_sentence(record: RunRecord, lang: Language) -> str:
    """The quorum arithmetic in words ("22 of 33 needed; tolerates 10 faulty seats …")."""
    if lang == "en":
        return quorum_words(record)
    c = record.council
    return text(
        "quorum_words" if c.tolerates.safety >= 0 else "quorum_words_unsafe",
        lang,
        quorum=c.quorum,
        size=c.size,
        safety=c.tolerates.safety,
        liveness=c.tolerates.liveness,
        f=c.max_faulty,
    )


def dissent_words(record: RunRecord, lang: Language) -> str:
    """Who dissented from the decision, counted by the option they cast last.

    Outside English an option is named by its label in ``lang`` (where it has one), not its id.
    """
    if not record.outcome.dissent or not record.ballots:
        return text("no_dissent", lang)
    last = record.ballots[-1].cast
    counts = Counter(last[str(i)] for i in record.outcome.dissent)
    labels = option_labels(scenario_of(record), lang) if lang != "en" else {}
    return ", ".join(
        text("dissent_item", lang, count=n, option=labels.get(str(option), option))
        for option, n in counts.most_common()
    )
