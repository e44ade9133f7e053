"""The frame's and pages' words, and the groups' and principles' names, in English and Khmer.

History, library and experiments pages; merged into ``i18n``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

PAGES_TEXT: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        # frame and pages
        "app_title": ("Byzantine oversight council", "ក្រុមប្រឹក្សាត្រួតពិនិត្យប៊ីហ្សង់ទីន"),
        "language": ("Language · ភាសា", "ភាសា · Language"),
        "page_deliberate": ("Deliberate", "ពិភាក្សា"),
        "page_history": ("History", "ប្រវត្តិ"),
        "page_library": ("Library", "បណ្ណាល័យ"),
        "page_experiments": ("Experiments", "ការពិសោធន៍"),
        # the access code (COUNCIL_ACCESS_CODE)
        "access_code": ("Access code", "លេខកូដចូលប្រើ"),
        "access_help": (
            "This app asks for the code the facilitator gave the room.",
            "កម្មវិធីនេះសុំលេខកូដដែលអ្នកសម្របសម្រួលបានផ្តល់ឱ្យបន្ទប់។",
        ),
        "access_enter": ("Enter", "ចូល"),
        "access_wrong": ("That code is not right.", "លេខកូដនោះមិនត្រឹមត្រូវទេ។"),
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
        "sweep_estimate": (
            "about {time}, a table of about {size}",
            "ប្រហែល {time} តារាងប្រហែល {size}",
        ),
        "sweep_too_big": (
            "This sweep is too big for the app: {runs} runs, over its limit of {limit} "
            "(run it with council sweep).",
            "ស៊េរីពិសោធន៍នេះធំពេកសម្រាប់កម្មវិធីនេះ៖ ការដំណើរការ {runs} ដង លើសដែនកំណត់ {limit} "
            "(ដំណើរការវាដោយ council sweep)។",
        ),
        "cancel_sweep": ("Cancel the sweep", "បោះបង់ស៊េរីពិសោធន៍"),
        "sweep_cancelled": (
            "Sweep cancelled after {done} of {total} runs.",
            "ស៊េរីពិសោធន៍ត្រូវបានបោះបង់ បន្ទាប់ពី {done} ក្នុងចំណោម {total} ដង។",
        ),
        "results": ("Results", "លទ្ធផល"),
        "cells_table": ("Per combination", "តាមបន្សំនីមួយៗ"),
        "download_table": ("Download the table (CSV)", "ទាញយកតារាង (CSV)"),
        # the sweep charts' metrics and axes (``experiments.cells.LABELS``, ``report.AXES``)
        "metric_safety_violation_rate": (
            "safety violations (share of runs)",
            "ការរំលោភសុវត្ថិភាព (ភាគរយនៃការដំណើរការ)",
        ),
        "metric_decision_rate": ("decided (share of runs)", "បានសម្រេច (ភាគរយនៃការដំណើរការ)"),
        "metric_validity": (
            "same outcome as the fault-free run (share)",
            "លទ្ធផលដូចការដំណើរការគ្មានកំហុស (ភាគរយ)",
        ),
        "metric_rounds_used": ("deliberation rounds (mean)", "ជុំពិភាក្សា (មធ្យម)"),
        "metric_rounds_to_decide": (
            "rounds to decide (mean over runs that decided)",
            "ជុំរហូតដល់សម្រេច (មធ្យមលើការដំណើរការដែលបានសម្រេច)",
        ),
        "metric_messages": ("messages (mean)", "សារ (មធ្យម)"),
        "metric_honest_drift": (
            "honest drift (mean TV distance)",
            "ការរសាត់មតិស្មោះត្រង់ (ចម្ងាយ TV មធ្យម)",
        ),
        "metric_honest_flips": (
            "honest seats that flipped (mean)",
            "អាសនៈស្មោះត្រង់ដែលបានប្តូរមតិ (មធ្យម)",
        ),
        "metric_effective_votes": ("effective independent votes", "សំឡេងឯករាជ្យជាក់ស្តែង"),
        "axis_byzantine": ("faulty seats", "អាសនៈមានកំហុស"),
        "axis_drop": ("share of messages lost (drop)", "ភាគរយនៃសារដែលបាត់ (drop)"),
        "axis_delay": (
            "share of messages a round late (delay)",
            "ភាគរយនៃសារដែលយឺតមួយជុំ (delay)",
        ),
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
)
