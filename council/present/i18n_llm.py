"""The interface's words about LLM seats, in English and Khmer (merged into ``i18n``)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

LLM_TEXT: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        # settings
        "rpm": ("Requests per minute (0: no limit)", "សំណើក្នុងមួយនាទី (0៖ គ្មានដែនកំណត់)"),
        "tpm": ("Tokens per minute (0: no limit)", "តូខឹនក្នុងមួយនាទី (0៖ គ្មានដែនកំណត់)"),
        "max_cost": ("Cost cap, US$ (0: none)", "ដែនកំណត់ថ្លៃ ដុល្លារ (0៖ គ្មាន)"),
        "max_seat_failures": (
            "Share of failed seat-phases that makes the run an error",
            "សមាមាត្រដំណាក់កាលអាសនៈបរាជ័យដែលធ្វើឲ្យការដំណើរការមានកំហុស",
        ),
        "models_file": (
            "A model per group or persona (YAML, optional)",
            "ម៉ូដែលតាមក្រុម ឬតាមអ្នកពាក់ព័ន្ធ (YAML, ស្រេចចិត្ត)",
        ),
        "models_help": (
            "A default model plus per-group or per-persona models, each with an optional base "
            "URL and the name of the environment variable holding its key (never the key). "
            "33 copies of one model are one voter repeated: mixing models gives independent "
            "views.",
            "ម៉ូដែលលំនាំដើម និងម៉ូដែលតាមក្រុម ឬតាមអ្នកពាក់ព័ន្ធ ដែលនីមួយៗអាចមាន URL "
            "និងឈ្មោះអថេរបរិស្ថានដែលផ្ទុកកូនសោ (មិនមែនកូនសោខ្លួនឯងទេ)។ ម៉ូដែលតែមួយចំនួន 33 "
            "គឺជាអ្នកបោះឆ្នោតតែម្នាក់ដដែល៖ ការលាយម៉ូដែលផ្តល់នូវទស្សនៈឯករាជ្យ។",
        ),
        "models_upload": ("…or upload a models file", "…ឬផ្ទុកឯកសារម៉ូដែលឡើង"),
        "models_bad": ("The models file is not valid: {error}", "ឯកសារម៉ូដែលមិនត្រឹមត្រូវ៖ {error}"),
        "base_url_bad": ("Base URL: {url} {error}", "អាសយដ្ឋាន URL មិនត្រឹមត្រូវ៖ {url} ({error})"),
        "over_cost": (
            "The estimate's lower bound (${low:.4f}) passes the cost cap: the run cannot "
            "finish within it.",
            "ការប៉ាន់ស្មានអប្បបរមា (${low:.4f}) លើសដែនកំណត់ថ្លៃ៖ ការដំណើរការមិនអាចបញ្ចប់ក្នុងដែនកំណត់នេះបានទេ។",
        ),
        "near_cost": (
            "The estimate's upper bound (${high:.4f}) passes the cost cap: the run stops with "
            "an error if its calls do.",
            "ការប៉ាន់ស្មានអតិបរមា (${high:.4f}) លើសដែនកំណត់ថ្លៃ៖ ការដំណើរការនឹងឈប់ដោយកំហុស ប្រសិនបើការហៅលើសវា។",
        ),
        # progress
        "progress_seat": (
            "Seat {seat} ({model}): {option}, confidence {confidence:.2f}",
            "អាសនៈ {seat} ({model})៖ {option}, ទំនុកចិត្ត {confidence:.2f}",
        ),
        "progress_seat_failed": (
            "Seat {seat} ({model}) said nothing: {error}",
            "អាសនៈ {seat} ({model}) មិនបាននិយាយអ្វីទេ៖ {error}",
        ),
        "progress_error": ("Deliberation stopped with an error", "ការពិភាក្សាបានឈប់ដោយមានកំហុស"),
        "endpoint_error": (
            "The LLM endpoint cannot serve this run: {error}",
            "ម៉ាស៊ីនមេ LLM មិនអាចបម្រើការដំណើរការនេះបានទេ៖ {error}",
        ),
        # the decision
        "status_error": ("error: no decision", "កំហុស៖ គ្មានការសម្រេច"),
        "run_error": (
            "The run could not work: {reason}",
            "ការដំណើរការមិនអាចបន្តបាន៖ {reason}",
        ),
        "degraded": (
            "Degraded: {n} LLM seat-phases failed and counted as silent (see the errors below).",
            "ខ្សោយ៖ ដំណាក់កាលអាសនៈ LLM ចំនួន {n} បានបរាជ័យ ហើយត្រូវចាត់ទុកថាស្ងៀម (មើលកំហុសខាងក្រោម)។",
        ),
        "errors": ("Errors", "កំហុស"),
        # what a seat was told and said
        "told_and_said": ("What this seat was told and said", "អ្វីដែលអាសនៈនេះត្រូវបានប្រាប់ និងបាននិយាយ"),
        "exchange_missing": (
            "The store no longer holds this exchange.",
            "ឃ្លាំងលែងមានការផ្លាស់ប្តូរនេះទៀតហើយ។",
        ),
        "reply_none": ("(no reply arrived)", "(គ្មានចម្លើយមកដល់)"),
        "reply": ("Reply", "ចម្លើយ"),
        "seat_silent": (
            "said nothing: its reasoner failed this round",
            "មិនបាននិយាយអ្វីទេ៖ ប្រព័ន្ធវែកញែករបស់វាបរាជ័យក្នុងជុំនេះ",
        ),
    }
)
"""key -> (English, Khmer)."""
