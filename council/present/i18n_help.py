"""Plain-language names and help for every run setting and choice, in English and Khmer.

The run form shows a choice as its plain name with its id in small type (``choice_label``),
and every setting with a help line; merged into ``i18n`` like the other tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

HELP_TEXT: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        # what the app is, first
        "tagline": (
            "A council of stakeholder personas debates a real AI incident and votes, some "
            "seats secretly faulty. Pick a scenario and press Run.",
            "ក្រុមប្រឹក្សានៃតួអង្គអ្នកពាក់ព័ន្ធពិភាក្សាអំពីឧប្បត្តិហេតុ AI ពិតមួយ ហើយបោះឆ្នោត "
            "ដោយអាសនៈខ្លះមានកំហុសដោយសម្ងាត់។ សូមជ្រើសករណីមួយ ហើយចុច ចាប់ផ្តើម។",
        ),
        "settings": ("Settings", "ការកំណត់"),
        "settings_summary": (
            "{size} seats · {faulty} · {protocol} · quorum {quorum} · {rounds} rounds · {backend}",
            "{size} អាសនៈ · {faulty} · {protocol} · កូរ៉ុម {quorum} · {rounds} ជុំ · {backend}",
        ),
        "summary_faulty": ("{n} faulty, {fault}", "{n} មានកំហុស, {fault}"),
        "summary_no_faulty": ("no faulty seats", "គ្មានអាសនៈមានកំហុស"),
        # checks before a run
        "never_quorum": (
            "This council can never reach a quorum: with {faulty} faulty seats the "
            "{honest} others are fewer than the {quorum} a quorum needs (it tolerates "
            "{liveness} for liveness). Lower the faulty seats or the quorum.",
            "ក្រុមប្រឹក្សានេះមិនអាចឈានដល់កូរ៉ុមបានឡើយ៖ ដោយមានអាសនៈមានកំហុស {faulty} "
            "អាសនៈ {honest} ផ្សេងទៀតតិចជាង {quorum} ដែលកូរ៉ុមត្រូវការ (វាអត់ឱនបាន "
            "{liveness} សម្រាប់ដំណើរការ)។ សូមបន្ថយអាសនៈមានកំហុស ឬកូរ៉ុម។",
        ),
        "over_tolerance": (
            "{faulty} faulty seats exceed what this quorum tolerates for safety ({safety}): "
            "honest seats may commit different options. Fine for a lesson, not for a decision.",
            "អាសនៈមានកំហុស {faulty} លើសពីអ្វីដែលកូរ៉ុមនេះអត់ឱនបានសម្រាប់សុវត្ថិភាព "
            "({safety})៖ អាសនៈស្មោះត្រង់អាចប្តេជ្ញាចំពោះជម្រើសខុសៗគ្នា។ "
            "សមស្របសម្រាប់មេរៀន មិនមែនសម្រាប់ការសម្រេចពិតទេ។",
        ),
        "stale": (
            "These results are from earlier settings: press Run to see the current ones.",
            "លទ្ធផលទាំងនេះមកពីការកំណត់មុន៖ សូមចុច ចាប់ផ្តើម ដើម្បីមើលលទ្ធផលថ្មី។",
        ),
        "cannot_run": (
            "Nothing ran: {error}",
            "មិនបានដំណើរការអ្វីទេ៖ {error}",
        ),
        "run_garbled": (
            "Run {run} is garbled (its record does not match its checksum): not shown. {error}",
            "ដំណើរការ {run} ខូច (កំណត់ត្រាមិនត្រូវនឹងផលបូកត្រួតពិនិត្យ)៖ មិនបង្ហាញទេ។ {error}",
        ),
        "store_busy": (
            "The store is busy (many runs at once): press Run again. ({error})",
            "ឃ្លាំងទិន្នន័យកំពុងរវល់ (ដំណើរការច្រើនក្នុងពេលតែមួយ)៖ សូមចុច ចាប់ផ្តើម ម្តងទៀត។ ({error})",
        ),
        "run_gone": (
            "The run in this page's address is no longer in the store.",
            "ការដំណើរការនៅក្នុងអាសយដ្ឋានទំព័រនេះ លែងមាននៅក្នុងឃ្លាំងទិន្នន័យហើយ។",
        ),
        "key_again": (
            "This LLM run was reopened from its address: give the API key again to go on.",
            "ការដំណើរការ LLM នេះត្រូវបានបើកឡើងវិញពីអាសយដ្ឋាន៖ សូមផ្តល់កូនសោ API ម្តងទៀត ដើម្បីបន្ត។",
        ),
        # the trainee's seat
        "heard_counts_help": (
            "How many of the seats you heard favour each option.",
            "ចំនួនអាសនៈដែលអ្នកបានឮ ដែលគាំទ្រជម្រើសនីមួយៗ។",
        ),
        "seat_column": ("seat", "អាសនៈ"),
        "persona_column": ("persona", "តួអង្គ"),
        "said_column": ("said", "បាននិយាយ"),
        "option_kept": (
            "Your last choice is already selected: keep it to hold your position.",
            "ជម្រើសចុងក្រោយរបស់អ្នកត្រូវបានជ្រើសរួចហើយ៖ ទុកវាដដែលដើម្បីរក្សាជំហររបស់អ្នក។",
        ),
        "confidence_help": (
            "How sure you are, from 0 (a guess) to 1 (certain). Recorded exactly as you set it; "
            "a surer statement pulls your peers harder.",
            "អ្នកប្រាកដប៉ុណ្ណា ពី 0 (ការស្មាន) ដល់ 1 (ប្រាកដ)។ កត់ត្រាដូចដែលអ្នកកំណត់ពិតប្រាកដ។ "
            "សេចក្តីថ្លែងដែលប្រាកដជាង ទាញមិត្តរួមក្រុមរបស់អ្នកខ្លាំងជាង។",
        ),
        "reveal_here": (
            "Reveal faulty seats (facilitator; after the exercise)",
            "បង្ហាញអាសនៈមានកំហុស (អ្នកសម្របសម្រួល បន្ទាប់ពីលំហាត់)",
        ),
        # help for every setting
        "help_scenario": (
            "The AI incident the council deliberates on.",
            "ឧប្បត្តិហេតុ AI ដែលក្រុមប្រឹក្សាពិភាក្សា។",
        ),
        "help_seat_by": (
            "A council of a given size drawn evenly from the four stakeholder groups, or "
            "personas you choose one by one.",
            "ក្រុមប្រឹក្សាតាមចំនួនអាសនៈ ដែលជ្រើសស្មើៗពីក្រុមអ្នកពាក់ព័ន្ធទាំងបួន ឬតួអង្គដែលអ្នកជ្រើសម្តងមួយៗ។",
        ),
        "help_size": ("How many seats the council has.", "ចំនួនអាសនៈក្នុងក្រុមប្រឹក្សា។"),
        "help_personas": (
            "The personas who sit, one seat each.",
            "តួអង្គដែលអង្គុយ ម្នាក់មួយអាសនៈ។",
        ),
        "help_byzantine": (
            "How many seats are faulty (Byzantine): they follow the fault model below, not "
            "their persona. The trainees' exercise is to spot them.",
            "ចំនួនអាសនៈដែលមានកំហុស (Byzantine)៖ ពួកវាធ្វើតាមប្រភេទកំហុសខាងក្រោម "
            "មិនមែនតួអង្គរបស់ពួកវាទេ។ លំហាត់របស់សិក្ខាកាមគឺរកពួកវាឲ្យឃើញ។",
        ),
        "help_fault": (
            "How the faulty seats behave.",
            "របៀបដែលអាសនៈមានកំហុសប្រព្រឹត្ត។",
        ),
        "help_fault_option": (
            "The option the faulty seats argue or vote for.",
            "ជម្រើសដែលអាសនៈមានកំហុសតស៊ូមតិ ឬបោះឆ្នោតគាំទ្រ។",
        ),
        "fault_round": ("Round the faulty seats fall silent", "ជុំដែលអាសនៈមានកំហុសស្ងាត់"),
        "help_fault_round": (
            "Honest until this round, then silent.",
            "ស្មោះត្រង់រហូតដល់ជុំនេះ បន្ទាប់មកស្ងាត់។",
        ),
        "help_protocol": (
            "How the ballots become a decision.",
            "របៀបដែលសន្លឹកឆ្នោតក្លាយជាការសម្រេចចិត្ត។",
        ),
        "help_quorum": (
            "How many seats must agree before the council decides.",
            "ចំនួនអាសនៈដែលត្រូវឯកភាព មុនពេលក្រុមប្រឹក្សាសម្រេច។",
        ),
        "help_fraction": (
            "The share of seats a quorum needs.",
            "សមាមាត្រអាសនៈដែលកូរ៉ុមត្រូវការ។",
        ),
        "help_method": (
            "How each seat's ranking of the options is counted.",
            "របៀបរាប់ចំណាត់ថ្នាក់ជម្រើសរបស់អាសនៈនីមួយៗ។",
        ),
        "help_update": (
            "How a seat changes its mind after hearing its peers.",
            "របៀបដែលអាសនៈប្តូរគំនិត បន្ទាប់ពីបានឮមិត្តរួមក្រុម។",
        ),
        "help_topology": (
            "Who hears whom during deliberation.",
            "អ្នកណាឮអ្នកណា ក្នុងពេលពិភាក្សា។",
        ),
        "help_rounds": (
            "Rounds of deliberation before the first ballot (round 0, the blind opening, "
            "comes first).",
            "ចំនួនជុំពិភាក្សា មុនការបោះឆ្នោតលើកទីមួយ (ជុំទី 0 ការបើកដោយមិនដឹងមតិគ្នា មកមុន)។",
        ),
        "help_ballots": (
            "Ballots at most; after a ballot without a decision, one more round is held.",
            "ចំនួនការបោះឆ្នោតអតិបរមា៖ បន្ទាប់ពីការបោះឆ្នោតដែលគ្មានការសម្រេច មានការពិភាក្សាមួយជុំទៀត។",
        ),
        "help_seed": (
            "Fixes every random choice: the same seed and settings give the same run.",
            "កំណត់ជម្រើសចៃដន្យទាំងអស់៖ គ្រាប់ពូជ និងការកំណត់ដូចគ្នា ផ្តល់លទ្ធផលដូចគ្នា។",
        ),
        "help_reasoner": (
            "Who speaks for the seats: the built-in arithmetic (no network), or a language "
            "model on an OpenAI-compatible endpoint.",
            "អ្នកណានិយាយជំនួសអាសនៈ៖ ការគណនាដែលមានស្រាប់ (គ្មានបណ្តាញ) ឬម៉ូដែលភាសានៅលើ "
            "ម៉ាស៊ីនមេដែលត្រូវគ្នានឹង OpenAI។",
        ),
        "help_human_seat": (
            "The run pauses at that seat every round for a trainee's option, confidence and "
            "argument.",
            "ការដំណើរការផ្អាកនៅអាសនៈនោះរៀងរាល់ជុំ ដើម្បីឲ្យសិក្ខាកាមជ្រើសជម្រើស ទំនុកចិត្ត និងអំណះអំណាង។",
        ),
        "help_groups_needed": (
            "How many stakeholder groups must each give a share of their seats.",
            "ចំនួនក្រុមអ្នកពាក់ព័ន្ធ ដែលក្រុមនីមួយៗត្រូវផ្តល់សមាមាត្រនៃអាសនៈរបស់ខ្លួន។",
        ),
        "help_group_share": (
            "The share of a group's seats that counts as that group agreeing.",
            "សមាមាត្រនៃអាសនៈរបស់ក្រុម ដែលរាប់ថាក្រុមនោះយល់ព្រម។",
        ),
        "help_which_seat": (
            "The seat the trainee plays; its persona is shown at every turn.",
            "អាសនៈដែលសិក្ខាកាមដើរតួ៖ តួអង្គរបស់វាត្រូវបានបង្ហាញរាល់វេន។",
        ),
        "help_base_url": (
            "The endpoint's address, up to /v1 (OpenAI, Azure, a local llama.cpp, Ollama, vLLM).",
            "អាសយដ្ឋានម៉ាស៊ីនមេ រហូតដល់ /v1 (OpenAI, Azure, llama.cpp ក្នុងស្រុក, Ollama, vLLM)។",
        ),
        "help_model": (
            "The model every seat asks (a models file below can give each group its own).",
            "ម៉ូដែលដែលអាសនៈទាំងអស់សួរ (ឯកសារម៉ូដែលខាងក្រោមអាចផ្តល់ម៉ូដែលផ្ទាល់ដល់ក្រុមនីមួយៗ)។",
        ),
        "help_api_key": (
            "Sent to the endpoint only; never stored, never written to a record or a log.",
            "ផ្ញើទៅម៉ាស៊ីនមេតែប៉ុណ្ណោះ៖ មិនដែលរក្សាទុក ឬសរសេរក្នុងកំណត់ត្រា ឬកំណត់ហេតុទេ។",
        ),
        "help_rpm": (
            "Requests a minute at most (0: no limit).",
            "ចំនួនសំណើអតិបរមាក្នុងមួយនាទី (0៖ គ្មានដែនកំណត់)។",
        ),
        "help_tpm": (
            "Tokens a minute at most (0: no limit).",
            "ចំនួនតូខឹនអតិបរមាក្នុងមួយនាទី (0៖ គ្មានដែនកំណត់)។",
        ),
        "help_max_cost": (
            "Stop the run once it has cost this many US dollars (0: no cap).",
            "បញ្ឈប់ការដំណើរការ នៅពេលចំណាយដល់ចំនួនដុល្លារអាមេរិកនេះ (0៖ គ្មានដែនកំណត់)។",
        ),
        "help_max_seat_failures": (
            "The share of seat turns that may fail before the run ends in an error.",
            "សមាមាត្រនៃវេនអាសនៈដែលអាចបរាជ័យ មុនពេលការដំណើរការបញ្ចប់ដោយកំហុស។",
        ),
        # plain names of the choices (the id follows in small type)
        "choice_protocol_bft": ("Two-phase vote with locks", "ការបោះឆ្នោតពីរដំណាក់កាលមានចាក់សោ"),
        "choice_protocol_tally": ("One simple count", "ការរាប់សាមញ្ញមួយដង"),
        "choice_quorum_bft": (
            "Byzantine quorum (over two thirds)",
            "កូរ៉ុម Byzantine (លើសពីពីរភាគបី)",
        ),
        "choice_quorum_majority": ("Majority (over half)", "សំឡេងភាគច្រើន (លើសពាក់កណ្តាល)"),
        "choice_quorum_supermajority": ("Two thirds", "ពីរភាគបី"),
        "choice_quorum_unanimity": ("Everyone", "គ្រប់គ្នា"),
        "choice_method_plurality": ("Most first places", "ចំណាត់ថ្នាក់ទីមួយច្រើនជាងគេ"),
        "choice_method_approval": ("Most approvals", "ការយល់ព្រមច្រើនជាងគេ"),
        "choice_method_borda": ("Points by rank (Borda)", "ពិន្ទុតាមចំណាត់ថ្នាក់ (Borda)"),
        "choice_method_copeland": (
            "Most head-to-head wins (Copeland)",
            "ឈ្នះមុខទល់មុខច្រើនជាងគេ (Copeland)",
        ),
        "choice_method_irv": (
            "Instant runoff (drop the last, recount)",
            "ការជម្រុះភ្លាមៗ (ដកចុងក្រោយចេញ រាប់ឡើងវិញ)",
        ),
        "choice_update_fj": (
            "Move toward peers, anchored to the opening",
            "ខិតទៅរកមិត្តរួមក្រុម ដោយនៅជាប់នឹងមតិដំបូង",
        ),
        "choice_update_wmsr": (
            "Ignore the most extreme views, then move",
            "មិនអើពើមតិជ្រុលបំផុត ហើយខិតទៅ",
        ),
        "choice_update_majority": ("Follow a strict majority", "ធ្វើតាមសំឡេងភាគច្រើនដាច់ខាត"),
        "choice_topology_complete": ("Everyone hears everyone", "គ្រប់គ្នាឮគ្រប់គ្នា"),
        "choice_topology_small-world": (
            "Small world (neighbours and a few far links)",
            "ពិភពតូច (អ្នកជិតខាង និងតំណឆ្ងាយខ្លះ)",
        ),
        "choice_topology_scale-free": (
            "A few well-connected hubs",
            "មជ្ឈមណ្ឌលមួយចំនួនដែលមានទំនាក់ទំនងច្រើន",
        ),
        "choice_topology_ring": ("A ring: two neighbours each", "រង្វង់៖ អ្នកជិតខាងពីរនាក់ម្នាក់ៗ"),
        "choice_fault_crash": ("Crashed: says nothing", "គាំង៖ មិននិយាយអ្វីទាំងអស់"),
        "choice_fault_random": ("Random views and ballots", "មតិ និងសន្លឹកឆ្នោតចៃដន្យ"),
        "choice_fault_stubborn": (
            "Stubborn: always votes for one option",
            "រឹងរូស៖ បោះឆ្នោតឲ្យជម្រើសតែមួយជានិច្ច",
        ),
        "choice_fault_equivocate": (
            "Two-faced: tells each seat what it leans to",
            "ពីរមុខ៖ ប្រាប់អាសនៈនីមួយៗនូវអ្វីដែលវាលំអៀងទៅរក",
        ),
        "choice_fault_collude": (
            "A cartel pushing one option",
            "ក្រុមឃុបឃិតជំរុញជម្រើសតែមួយ",
        ),
        "choice_fault_persuader": (
            "Persuader: argues hard for one option",
            "អ្នកបញ្ចុះបញ្ចូល៖ តស៊ូមតិយ៉ាងខ្លាំងសម្រាប់ជម្រើសតែមួយ",
        ),
        "choice_fault_silent-after": (
            "Honest, then silent from a round on",
            "ស្មោះត្រង់ បន្ទាប់មកស្ងាត់ចាប់ពីជុំមួយ",
        ),
    }
)
