"""The Khmer words of the offline rationales and the PDCA plan (a run with ``language: km``).

Templates only: the numbers, seats and options are filled in by ``rationale`` and ``pdca``
exactly as in English. Not yet reviewed by a native speaker (see the README).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from council.contracts.formats import Persona, Scenario
from council.contracts.principles import Principle

PRINCIPLES_KM: Mapping[str, str] = MappingProxyType(
    {
        "transparency": "តម្លាភាព",
        "fairness": "យុត្តិធម៌",
        "safety": "សុវត្ថិភាព",
        "human_centricity": "ការយកមនុស្សជាចំណុចកណ្តាល",
        "privacy": "ឯកជនភាព",
        "accountability": "គណនេយ្យភាព",
        "robustness": "ភាពរឹងមាំ",
        "innovation": "នវានុវត្តន៍",
    }
)
GROUPS_KM: Mapping[str, str] = MappingProxyType(
    {
        "government": "រដ្ឋាភិបាល",
        "industry": "ឧស្សាហកម្ម",
        "academia": "សិក្សាធិការ",
        "civil_society": "សង្គមស៊ីវិល",
    }
)

SAID_NOTHING = "មិនបាននិយាយអ្វីទេ។"
FAILED = "ប្រព័ន្ធវែកញែករបស់វាបានបរាជ័យក្នុងជុំនេះ ហើយត្រូវរាប់ថាគាំង។"
DRIVEN_BY = "ដោយសារ{pros}"
AND = " និង "
NO_DRIVER = "ដោយគ្មានគោលការណ៍ណាមួយគាំទ្រខ្លាំង"
COSTS = " ប៉ុន្តែប៉ះពាល់ដល់{cost}"
OPENING = "គាំទ្រ {option} ({score:+.2f}) {drivers}។"
NEXT = " បន្ទាប់មក៖ {option} ({score:+.2f})។"
SWITCHED = "បានប្តូរពី {before} ទៅ {after} ({score:+.2f})"
STILL = "នៅតែគាំទ្រ {after} ({score:+.2f})"
HELD = "{head}៖ បានឮមិត្តរួមក្រុម {heard} នាក់ ហើយរក្សាមតិដដែល (ផ្លាស់ប្តូរ {moved:.2f})។"
MOVED = (
    "{head}៖ បានខិតទៅរក {toward} {moved:.2f} បន្ទាប់ពីបានឮមិត្តរួមក្រុម {heard} នាក់ "
    "ជាពិសេស {names}។ ភាពបើកចំហ {openness:.2f} រក្សាទម្ងន់ {anchor:.0%} លើមតិដំបូងរបស់ខ្លួន។"
)
SEAT = "អាសនៈ {seat} ({name})"
NO_SINGLE_PEER = "គ្មានមិត្តរួមក្រុមណាម្នាក់ជាពិសេស"

ACTIONS_KM: Mapping[Principle, str] = MappingProxyType(
    {
        "transparency": "ផ្សព្វផ្សាយសេចក្តីជូនដំណឹងជាភាសាងាយយល់ (ជាភាសាខ្មែរ និងភាសាផ្សេងទៀតរបស់"
        "អ្នករងផលប៉ះពាល់) អំពីអ្វីដែលប្រព័ន្ធធ្វើ ប្រភពទិន្នន័យ និងដែនកំណត់របស់វា",
        "fairness": "ធ្វើសវនកម្មភាពលំអៀង បែងចែកតាមខេត្ត ភេទ ភាសា និងចំណូល មុន និងក្រោយការផ្លាស់ប្តូរ",
        "safety": "រៀបចំការរាយការណ៍ឧប្បត្តិហេតុ ដោយមានអ្នកឆ្លើយតបដែលមានឈ្មោះ និងផ្លូវត្រឡប់ក្រោយដែលបានសាកល្បង",
        "human_centricity": "រក្សាអ្នកពិនិត្យជាមនុស្សលើការសម្រេចដែលប៉ះពាល់ដល់ជីវភាព "
        "ព្រមទាំងមធ្យោបាយសាមញ្ញសម្រាប់ប្រជាជនតវ៉ា",
        "privacy": "គូសផែនទី និងកាត់បន្ថយលំហូរទិន្នន័យផ្ទាល់ខ្លួន ដោយមានការយល់ព្រម "
        "និងការវាយតម្លៃផលប៉ះពាល់លើការការពារទិន្នន័យ មុនការផ្ទេរណាមួយ",
        "accountability": "កំណត់ម្ចាស់ទទួលខុសត្រូវ ហើយរក្សាកំណត់ហេតុនៃការសម្រេច ដែលសវនករខាងក្រៅអាចអានបាន",
        "robustness": "សាកល្បងលើទិន្នន័យក្នុងស្រុក (អត្ថបទខ្មែរ ករណីជនបទ និងករណីអ៊ីនធឺណិតខ្សោយ) មុនពង្រីកទំហំ",
        "innovation": "ផ្តល់ឲ្យអ្នកអភិវឌ្ឍក្នុងស្រុកនូវផ្លូវច្បាស់លាស់ និងមានកំណត់ពេល "
        "(កន្លែងសាកល្បង ឬសេចក្តីណែនាំ) ដើម្បីបន្តអភិវឌ្ឍ",
    }
)
MEASURES_KM: Mapping[Principle, str] = MappingProxyType(
    {
        "transparency": "ភាគរយនៃអ្នករងផលប៉ះពាល់ដែលអាចប្រាប់ថាប្រព័ន្ធធ្វើអ្វី និងរបៀបសួរអំពីការសម្រេចមួយ",
        "fairness": "គម្លាតនៃអត្រាកំហុស និងអត្រាអនុម័ត រវាងក្រុមដែលរងផលប៉ះពាល់ច្រើនបំផុត និងតិចបំផុត",
        "safety": "ចំនួន និងកម្រិតធ្ងន់ធ្ងរនៃឧប្បត្តិហេតុដែលបានរាយការណ៍ និងរយៈពេលឆ្លើយតប",
        "human_centricity": "ភាគរយនៃការសម្រេចដែលត្រូវបានតវ៉ា ហើយមនុស្សបានពិនិត្យក្នុងរយៈពេល 14 ថ្ងៃ",
        "privacy": "ឧប្បត្តិហេតុទិន្នន័យផ្ទាល់ខ្លួន និងការផ្ទេរដែលគ្មានមូលដ្ឋានច្បាប់ជាឯកសារ",
        "accountability": "លទ្ធផលសវនកម្មដែលម្ចាស់ទទួលខុសត្រូវបានដោះស្រាយទាន់ពេល",
        "robustness": "អត្រាកំហុសលើសំណុំតេស្តក្នុងស្រុក រួមទាំងករណីភាសាខ្មែរ",
        "innovation": "គម្រោងក្នុងស្រុកដែលបានចាប់ផ្តើម ឬបន្តក្រោមវិធានថ្មី",
    }
)
CADENCE_KM = ("ប្រចាំខែ", "ប្រចាំត្រីមាស", "រៀងរាល់ប្រាំមួយខែ")
"""Monthly, quarterly, every six months."""

PLAN = "{label}។ ម្ចាស់ទទួលខុសត្រូវ៖ {owners}។"
BACKED = "អាសនៈស្មោះត្រង់ {backers} ក្នុងចំណោម {honest} បានគាំទ្រ"
ACCEPTED_COST = "តម្លៃដែលទទួលយក៖ {principle} ({impact:+.2f})"
DO = "អនុវត្ត «{label}» ជាមួយវិធានការការពារទាំងនេះ។"
DO_PLAIN = "អនុវត្ត «{label}» ហើយកត់ត្រាពីរបៀបអនុវត្ត"
CHECK = "វាស់វែងអ្វីដែលឧប្បត្តិហេតុបានបង្កការខូចខាត។"
WORSENS = "{measure} កាន់តែអាក្រក់ ក្នុងការត្រួតពិនិត្យពីរដងជាប់គ្នា"
COST_LARGER = "តម្លៃលើ{principle} ធំជាងអ្វីដែលបានទទួលយក"
DISSENT = "ក្រុមដែលមិនយល់ស្រប ({groups}) រាយការណ៍ពីការខូចខាតដែលពួកគេបានព្រមាន"
TWELVE_MONTHS = "ដប់ពីរខែកន្លងផុត៖ ពិនិត្យការសម្រេចឡើងវិញទាំងស្រុង"
ACT = "បើកការសម្រេចឡើងវិញ នៅពេលណាមួយក្នុងចំណោមករណីទាំងនេះកើតឡើង។"


def option_label_km(scenario: Scenario, option: int) -> str:
    """An option's label in Khmer where the scenario has it, else in English."""
    chosen = scenario.options[option]
    translated = scenario.translations.get("km")
    return translated.options.get(chosen.id, chosen.label) if translated else chosen.label


def persona_name_km(persona: Persona) -> str:
    """A persona's name in Khmer where the persona has it, else in English."""
    translated = persona.translations.get("km")
    return translated.name if translated and translated.name else persona.name
