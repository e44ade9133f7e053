"""The run form's words and the person at a seat's, in English and Khmer (merged into ``i18n``)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

FORM_TEXT: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
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
    }
)
