"""The interface's words in English and Khmer, and the record's sentences in either.

Every string the workshop app shows is a key here with both languages; ``text`` looks one up and
fills its fields. Scenario titles and summaries come from the scenario's own ``translations``
when it has them. Record content (persona names, rationales) stays as the run wrote it.

>>> text("run", "en"), text("run", "km")
('Run deliberation', 'ចាប់ផ្តើមការពិភាក្សា')
>>> text("round_title", "km", round=2)
'ជុំទី 2'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal, get_args

from council.contracts.formats import Scenario
from council.contracts.record import RunRecord
from council.present.i18n_llm import LLM_TEXT
from council.present.render import quorum_words

Lang = Literal["en", "km"]
LANGS: tuple[Lang, ...] = get_args(Lang)
LANGUAGES: Mapping[Lang, str] = MappingProxyType({"en": "English", "km": "ខ្មែរ"})
"""Each language's name, in itself (what the switch shows)."""

# key -> (English, Khmer). Read-only: the app shares this module across browser sessions.
_TEXT: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        # frame and pages
        "app_title": ("Byzantine oversight council", "ក្រុមប្រឹក្សាត្រួតពិនិត្យប៊ីហ្សង់ទីន"),
        "language": ("Language · ភាសា", "ភាសា · Language"),
        "page_deliberate": ("Deliberate", "ពិភាក្សា"),
        "page_history": ("History", "ប្រវត្តិ"),
        "page_library": ("Library", "បណ្ណាល័យ"),
        "page_experiments": ("Experiments", "ការពិសោធន៍"),
        # the run form
        "scenario": ("Scenario", "ករណី"),
        "facts": ("Facts", "ការពិត"),
        "affected": ("Affected people", "អ្នករងផលប៉ះពាល់"),
        "harms": ("Harms (severity)", "ការខូចខាត (កម្រិតធ្ងន់ធ្ងរ)"),
        "council": ("Council", "ក្រុមប្រឹក្សា"),
        "seat_by": ("Seat the council by", "រៀបចំក្រុមប្រឹក្សាតាម"),
        "by_size": ("size", "ចំនួនអាសនៈ"),
        "by_personas": ("chosen personas", "អ្នកពាក់ព័ន្ធដែលបានជ្រើស"),
        "size": ("Council size", "ចំនួនអាសនៈ"),
        "personas": ("Personas", "អ្នកពាក់ព័ន្ធ"),
        "pick_personas": ("Choose at least one persona.", "សូមជ្រើសរើសអ្នកពាក់ព័ន្ធយ៉ាងហោចណាស់ម្នាក់។"),
        "byzantine": ("Faulty seats", "អាសនៈមានកំហុស"),
        "fault": ("Fault model", "ប្រភេទកំហុស"),
        "fault_option": ("Option the faulty seats push", "ជម្រើសដែលអាសនៈមានកំហុសជំរុញ"),
        "rules": ("Rules", "ច្បាប់"),
        "protocol": ("Protocol", "ពិធីការ"),
        "quorum": ("Quorum rule", "ច្បាប់កូរ៉ុម"),
        "fraction": ("Fraction of seats", "សមាមាត្រនៃអាសនៈ"),
        "custom_fraction": ("a fraction…", "សមាមាត្រមួយ…"),
        "group_quorum": ("by stakeholder group…", "តាមក្រុមអ្នកពាក់ព័ន្ធ…"),
        "groups_needed": ("Groups that must agree (G)", "ចំនួនក្រុមដែលត្រូវយល់ព្រម (G)"),
        "group_share": ("Share of each group (P)", "សមាមាត្រនៃក្រុមនីមួយៗ (P)"),
        "method": ("Aggregation method", "វិធីសាស្ត្ររាប់សំឡេង"),
        "update": ("Update rule", "ច្បាប់កែប្រែមតិ"),
        "topology": ("Topology", "បណ្តាញទំនាក់ទំនង"),
        "rounds": ("Rounds", "ចំនួនជុំ"),
        "ballots": ("Ballots at most", "ចំនួនការបោះឆ្នោតអតិបរមា"),
        "seed": ("Seed", "គ្រាប់ពូជចៃដន្យ"),
        "reasoner": ("Reasoner", "ប្រព័ន្ធវែកញែក"),
        "offline": ("Offline (embedded, no network)", "ក្រៅបណ្តាញ (មិនប្រើអ៊ីនធឺណិត)"),
        "openai": ("OpenAI-compatible endpoint", "ម៉ាស៊ីនមេដែលត្រូវគ្នានឹង OpenAI"),
        "base_url": ("Base URL", "អាសយដ្ឋាន URL"),
        "model": ("Model", "ម៉ូដែល"),
        "api_key": (
            "API key (kept in this browser session only)",
            "កូនសោ API (រក្សាទុកតែក្នុងវគ្គនៃកម្មវិធីរុករកនេះ)",
        ),
        "estimate": (
            "Before running: {calls} calls, up to {tokens} tokens, at most about ${cost:.2f}",
            "មុនពេលដំណើរការ៖ ការហៅ {calls} ដង, រហូតដល់ {tokens} តូខឹន, ច្រើនបំផុតប្រហែល ${cost:.2f}",
        ),
        "progress_llm": (
            "LLM so far: {calls} calls ({errors} failed, {cached} from the cache), "
            "{tokens} tokens, ${cost:.4f}",
            "LLM រហូតមកដល់ពេលនេះ៖ ការហៅ {calls} ដង ({errors} បរាជ័យ, {cached} ពីឃ្លាំង), "
            "{tokens} តូខឹន, ${cost:.4f}",
        ),
        "human_seat": ("A trainee takes a seat", "សិក្ខាកាមម្នាក់អង្គុយក្នុងអាសនៈមួយ"),
        "which_seat": ("Seat for the trainee", "អាសនៈសម្រាប់សិក្ខាកាម"),
        "run": ("Run deliberation", "ចាប់ផ្តើមការពិភាក្សា"),
        "bad_config": (
            "These settings cannot run: {error}",
            "ការកំណត់ទាំងនេះមិនអាចដំណើរការបាន៖ {error}",
        ),
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
        # the person at a seat
        "your_turn": (
            "Your turn: seat {seat}, round {round}",
            "វេនរបស់អ្នក៖ អាសនៈ {seat} ជុំទី {round}",
        ),
        "you_play": ("You play **{name}**.", "អ្នកដើរតួជា **{name}**។"),
        "own_view": (
            "What your persona's values suggest",
            "អ្វីដែលតម្លៃរបស់អ្នកពាក់ព័ន្ធរបស់អ្នកណែនាំ",
        ),
        "heard": ("What you heard this round", "អ្វីដែលអ្នកបានឮក្នុងជុំនេះ"),
        "heard_none": (
            "The opening is blind: you have heard no one yet.",
            "ការបើកគឺមិនដឹងមតិគ្នា៖ អ្នកមិនទាន់បានឮនរណាម្នាក់នៅឡើយទេ។",
        ),
        "option": ("Option", "ជម្រើស"),
        "confidence": ("Confidence", "ទំនុកចិត្ត"),
        "argument": ("Your argument", "អំណះអំណាងរបស់អ្នក"),
        "submit": ("Submit and resume", "បញ្ជូន ហើយបន្ត"),
        "argument_needed": ("Say why, in a sentence or two.", "សូមពន្យល់ហេតុផលក្នុងមួយ ឬពីរប្រយោគ។"),
        # the decision card
        "decision": ("Decision", "សេចក្តីសម្រេច"),
        "status": ("Status", "ស្ថានភាព"),
        "status_decided": ("decided", "បានសម្រេច"),
        "status_no_quorum": ("no quorum", "គ្មានកូរ៉ុម"),
        "status_escalated": ("escalated to the human chair", "បានបញ្ជូនទៅប្រធានជាមនុស្ស"),
        "no_option": ("No option was decided", "គ្មានជម្រើសណាមួយត្រូវបានសម្រេចទេ"),
        "committed_of": (
            "{n} of {total} honest seats committed",
            "អាសនៈស្មោះត្រង់ {n} ក្នុងចំណោម {total} បានប្តេជ្ញា",
        ),
        "quorum_words": (
            "{quorum} of {size} needed; tolerates {safety} faulty seats for safety and "
            "{liveness} for liveness (f = {f})",
            "ត្រូវការ {quorum} ក្នុងចំណោម {size}; ទ្រាំទ្រអាសនៈមានកំហុស {safety} "
            "សម្រាប់សុវត្ថិភាព និង {liveness} សម្រាប់ការបន្តដំណើរការ (f = {f})",
        ),
        "quorum_words_unsafe": (
            "{quorum} of {size} needed; not safe even with no faulty seat (two quorums can be "
            "disjoint); tolerates {liveness} faulty seats for liveness (f = {f})",
            "ត្រូវការ {quorum} ក្នុងចំណោម {size}; មិនមានសុវត្ថិភាព សូម្បីតែគ្មានអាសនៈមានកំហុស "
            "(កូរ៉ុមពីរអាចគ្មានអាសនៈរួមគ្នា); ទ្រាំទ្រអាសនៈមានកំហុស {liveness} "
            "សម្រាប់ការបន្តដំណើរការ (f = {f})",
        ),
        "dissent": ("Dissent", "មតិប្រឆាំង"),
        "no_dissent": ("no honest seat dissented", "គ្មានអាសនៈស្មោះត្រង់ណាប្រឆាំងទេ"),
        "dissent_item": ("{count} for {option}", "{count} គាំទ្រ {option}"),
        "baseline": ("Fault-free baseline", "មូលដ្ឋានគ្មានកំហុស"),
        "agrees": ("agrees", "ស្របគ្នា"),
        "differs": ("differs", "ខុសគ្នា"),
        "not_computed": ("not computed", "មិនបានគណនា"),
        "no_decision": ("no decision", "គ្មានសេចក្តីសម្រេច"),
        "safety_violation": (
            "Safety violation: honest seats committed different options.",
            "ការរំលោភសុវត្ថិភាព៖ អាសនៈស្មោះត្រង់បានប្តេជ្ញាជម្រើសខុសៗគ្នា។",
        ),
        "metrics": (
            "honest drift {drift:.3f} · flips {flips} · {messages} messages · {rounds} rounds",
            "ការរសាត់មតិស្មោះត្រង់ {drift:.3f} · ការប្តូរមតិ {flips} · សារ {messages} · {rounds} ជុំ",
        ),
        "llm_metrics": (
            "LLM: {calls} calls ({errors} failed, {cached} from the cache, {failures} seat "
            "failures) · {tokens} tokens · {cost}",
            "LLM៖ ការហៅ {calls} ដង ({errors} បរាជ័យ, {cached} ពីឃ្លាំង, អាសនៈបរាជ័យ {failures}) "
            "· {tokens} តូខឹន · {cost}",
        ),
        "pdca": ("Plan · Do · Check · Act", "ផែនការ · អនុវត្ត · ត្រួតពិនិត្យ · កែលម្អ"),
        "plan": ("Plan", "ផែនការ"),
        "do": ("Do", "អនុវត្ត"),
        "check": ("Check", "ត្រួតពិនិត្យ"),
        "act": ("Act", "កែលម្អ"),
        "owners": ("Owners", "ម្ចាស់ការ"),
        "download_md": ("Download the handout (Markdown)", "ទាញយកឯកសារចែកជូន (Markdown)"),
        "download_json": ("Download the record (JSON)", "ទាញយកកំណត់ត្រា (JSON)"),
        # rounds
        "deliberation": ("Deliberation", "ការពិភាក្សា"),
        "round": ("Round", "ជុំ"),
        "round_title": ("Round {round}", "ជុំទី {round}"),
        "opening": ("blind opening", "ការបើកដោយមិនដឹងមតិគ្នា"),
        "prev_round": ("◀ Previous round", "◀ ជុំមុន"),
        "next_round": ("Next round ▶", "ជុំបន្ទាប់ ▶"),
        "tally": ("Seats per option", "អាសនៈតាមជម្រើស"),
        "seats_axis": ("seats", "អាសនៈ"),
        "graph": ("Who hears whom", "អ្នកណាឮអ្នកណា"),
        "graph_too_big": (
            "{n} seats: too many to draw; every seat's option is in the transcript.",
            "អាសនៈ {n}៖ ច្រើនពេកមិនអាចគូរបាន សូមមើលកំណត់ហេតុ។",
        ),
        "transcript": ("Transcript", "កំណត់ហេតុ"),
        "ballot_line": (
            "Ballot {ballot} after round {round}: {counts}; {committed} honest seats committed",
            "ការបោះឆ្នោតលើកទី {ballot} បន្ទាប់ពីជុំទី {round}៖ {counts}; "
            "អាសនៈស្មោះត្រង់ {committed} បានប្តេជ្ញា",
        ),
        "seat": ("Seat {seat}", "អាសនៈ {seat}"),
        "said_nothing": ("said nothing", "មិនបាននិយាយអ្វីទេ"),
        "faulty_mark": ("faulty: {behaviour}", "មានកំហុស៖ {behaviour}"),
        "told_mark": ("told {told}", "បានប្រាប់ {told}"),
        "human_mark": ("played by a person", "ដើរតួដោយមនុស្ស"),
        "confidence_short": ("confidence {value:.2f}", "ទំនុកចិត្ត {value:.2f}"),
        # spot the faulty seats
        "exercise": ("Spot the faulty seats", "រកអាសនៈមានកំហុស"),
        "exercise_help": (
            "The faulty seats are hidden. Mark the seats you suspect, then check your guess.",
            "អាសនៈមានកំហុសត្រូវបានលាក់។ សូមសម្គាល់អាសនៈដែលអ្នកសង្ស័យ រួចពិនិត្យការទាយរបស់អ្នក។",
        ),
        "exercise_revealed": (
            "Hide the faulty seats (facilitator controls) to play this exercise.",
            "សូមលាក់អាសនៈមានកំហុស (ការគ្រប់គ្រងរបស់អ្នកសម្របសម្រួល) ដើម្បីលេងលំហាត់នេះ។",
        ),
        "suspects": ("Seats you suspect", "អាសនៈដែលអ្នកសង្ស័យ"),
        "choose_seats": ("Choose seats", "ជ្រើសរើសអាសនៈ"),
        "check_guess": ("Check my guess", "ពិនិត្យការទាយរបស់ខ្ញុំ"),
        "score": ("Score", "ពិន្ទុ"),
        "found": ("Found", "រកឃើញ"),
        "missed": ("Missed", "រំលង"),
        "false_alarms": ("Wrongly suspected", "សង្ស័យខុស"),
        "guess_summary": (
            "You found {hits} of {faulty} faulty seats and suspected {false} honest seats.",
            "អ្នករកឃើញ {hits} ក្នុងចំណោមអាសនៈមានកំហុស {faulty} ហើយសង្ស័យខុសលើអាសនៈស្មោះត្រង់ {false}។",
        ),
        "tells": ("What gave them away", "សញ្ញាដែលបង្ហាញពួកគេ"),
        "was_honest": ("Honest seats you suspected", "អាសនៈស្មោះត្រង់ដែលអ្នកបានសង្ស័យ"),
        # history
        "history_title": ("Past runs", "ការពិភាក្សាកន្លងមក"),
        "all_runs": (
            "Show every run in the store (the CLI's and other sessions' too)",
            "បង្ហាញការពិភាក្សាទាំងអស់ក្នុងឃ្លាំង (រួមទាំងពី CLI និងវគ្គផ្សេងទៀត)",
        ),
        "no_runs": (
            "No runs yet: run a deliberation first.",
            "មិនទាន់មានការពិភាក្សានៅឡើយទេ៖ សូមចាប់ផ្តើមការពិភាក្សាជាមុនសិន។",
        ),
        "reopen": ("Reopen a run", "បើកការពិភាក្សាឡើងវិញ"),
        # library
        "scenarios": ("Scenarios", "ករណី"),
        "validate": ("Validate a file", "ពិនិត្យឯកសារ"),
        "upload": (
            "Upload a persona or scenario YAML file to validate it",
            "ផ្ទុកឯកសារ YAML របស់អ្នកពាក់ព័ន្ធ ឬករណីឡើង ដើម្បីពិនិត្យ",
        ),
        "valid": ("{file}: a valid {kind}, `{id}`", "{file}៖ {kind} ត្រឹមត្រូវ `{id}`"),
        "invalid": (
            "{count} problem(s), as `council validate` reports them:",
            "បញ្ហា {count} ដូចដែល `council validate` រាយការណ៍៖",
        ),
        "kind_persona": ("persona", "អ្នកពាក់ព័ន្ធ"),
        "kind_scenario": ("scenario", "ករណី"),
        "role": ("Role", "តួនាទី"),
        "values": ("Values", "តម្លៃ"),
        "openness": ("Openness", "ភាពបើកចំហ"),
        "languages": ("Languages", "ភាសា"),
        "options": ("Options", "ជម្រើស"),
        "sources": ("Sources", "ប្រភព"),
        "where": ("{jurisdiction} · {sector}", "{jurisdiction} · {sector}"),
        "no_translation": (
            "No Khmer translation of this scenario yet.",
            "ករណីនេះមិនទាន់មានការបកប្រែជាភាសាខ្មែរនៅឡើយទេ។",
        ),
        # experiments
        "sweep_from": ("Start from", "ចាប់ផ្តើមពី"),
        "from_preset": ("a preset", "ការពិសោធន៍ដែលបានរៀបចំជាមុន"),
        "from_custom": ("my own sweep", "ស៊េរីពិសោធន៍ផ្ទាល់ខ្លួន"),
        "preset": ("Preset", "ការពិសោធន៍ដែលបានរៀបចំជាមុន"),
        "preset_file": ("The preset's sweep config", "ការកំណត់ស៊េរីពិសោធន៍នេះ"),
        "in_english": (
            "This explanation is in English only.",
            "ការពន្យល់នេះមានតែជាភាសាអង់គ្លេសប៉ុណ្ណោះ។",
        ),
        "sizes": ("Council sizes", "ចំនួនអាសនៈ"),
        "faults": ("Fault models", "ប្រភេទកំហុស"),
        "protocols": ("Protocols", "ពិធីការ"),
        "quorums": ("Quorum rules", "ច្បាប់កូរ៉ុម"),
        "methods": ("Aggregation methods", "វិធីសាស្ត្ររាប់សំឡេង"),
        "topologies": ("Topologies", "បណ្តាញទំនាក់ទំនង"),
        "updates": ("Update rules", "ច្បាប់កែប្រែមតិ"),
        "numbers_help": (
            "One or more; type another number to add it.",
            "មួយ ឬច្រើន; វាយលេខផ្សេងទៀតដើម្បីបន្ថែម។",
        ),
        "quorums_help": (
            "One or more; type a fraction of the seats, like 0.6, to add it.",
            "មួយ ឬច្រើន; វាយសមាមាត្រនៃអាសនៈ ដូចជា 0.6 ដើម្បីបន្ថែម។",
        ),
        "seeds": ("Seeds per combination", "ចំនួនគ្រាប់ពូជចៃដន្យសម្រាប់បន្សំនីមួយៗ"),
        "seeds_help": (
            "The preset itself runs {seeds}: fewer run faster, more give steadier rates.",
            "ការពិសោធន៍នេះដើមឡើយដំណើរការ {seeds}៖ តិចជាងនេះលឿនជាង ច្រើនជាងនេះផ្តល់អត្រាទៀងទាត់ជាង។",
        ),
        "sweep_size": (
            "{cells} combinations × {seeds} seeds = {runs} runs",
            "បន្សំ {cells} × គ្រាប់ពូជ {seeds} = ការដំណើរការ {runs} ដង",
        ),
        "bad_sweep": (
            "This sweep cannot run: {error}",
            "ស៊េរីពិសោធន៍នេះមិនអាចដំណើរការបានទេ៖ {error}",
        ),
        "run_sweep": ("Run the sweep", "ដំណើរការស៊េរីពិសោធន៍"),
        "sweeping": ("Running the sweep…", "កំពុងដំណើរការស៊េរីពិសោធន៍…"),
        "sweep_progress": ("{done} of {total} runs", "{done} ក្នុងចំណោម {total} ដង"),
        "sweep_done": (
            "{runs} runs in {seconds:.1f} s",
            "ដំណើរការ {runs} ដង ក្នុងរយៈពេល {seconds:.1f} វិនាទី",
        ),
        "results": ("Results", "លទ្ធផល"),
        "cells_table": ("Per combination", "តាមបន្សំនីមួយៗ"),
        "download_table": ("Download the table (CSV)", "ទាញយកតារាង (CSV)"),
        # stakeholder groups
        "group_government": ("Government", "រដ្ឋាភិបាល"),
        "group_industry": ("Industry", "ឧស្សាហកម្ម"),
        "group_academia": ("Academia", "ស្ថាប័នសិក្សា"),
        "group_civil_society": ("Civil society", "សង្គមស៊ីវិល"),
        # principles
        "principle_transparency": ("transparency", "តម្លាភាព"),
        "principle_fairness": ("fairness", "យុត្តិធម៌"),
        "principle_safety": ("safety", "សុវត្ថិភាព"),
        "principle_human_centricity": ("human-centricity", "ការយកមនុស្សជាចំណុចកណ្តាល"),
        "principle_privacy": ("privacy", "ឯកជនភាព"),
        "principle_accountability": ("accountability", "គណនេយ្យភាព"),
        "principle_robustness": ("robustness", "ភាពរឹងមាំ"),
        "principle_innovation": ("innovation", "នវានុវត្តន៍"),
    }
    | dict(LLM_TEXT)
)


def keys() -> list[str]:
    """Every key with text in both languages."""
    return list(_TEXT)


def text(key: str, lang: Lang, /, **fields: object) -> str:
    """The interface text for ``key`` in ``lang``, its ``{fields}`` filled in.

    An unknown language falls back to English; an unknown key is a KeyError (a typo in a page).
    """
    english, khmer = _TEXT[key]
    template = khmer if lang == "km" else english
    return template.format(**fields) if fields else template


def group_name(group: str, lang: Lang) -> str:
    """A stakeholder group's name (an unknown group as written).

    >>> group_name("civil_society", "en"), group_name("government", "km")
    ('Civil society', 'រដ្ឋាភិបាល')
    """
    key = f"group_{group}"
    return text(key, lang) if key in _TEXT else group


def scenario_title(scenario: Scenario, lang: Lang) -> str:
    """The scenario's title, translated when the scenario carries a translation."""
    translated = scenario.translations.get(lang)
    return translated.title if translated and translated.title else scenario.title


def scenario_summary(scenario: Scenario, lang: Lang) -> str:
    """The scenario's summary, translated when the scenario carries a translation."""
    translated = scenario.translations.get(lang)
    return translated.summary if translated and translated.summary else scenario.summary


def has_translation(scenario: Scenario, lang: Lang) -> bool:
    """Whether the scenario has its title or summary in ``lang`` (English always does)."""
    return lang == "en" or lang in scenario.translations


def quorum_sentence(record: RunRecord, lang: Lang) -> str:
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


def dissent_words(record: RunRecord, lang: Lang) -> str:
    """Who dissented from the decision, counted by the option they cast last."""
    if not record.outcome.dissent or not record.ballots:
        return text("no_dissent", lang)
    last = record.ballots[-1].cast
    counts = Counter(last[str(i)] for i in record.outcome.dissent)
    return ", ".join(
        text("dissent_item", lang, count=n, option=option) for option, n in counts.most_common()
    )
