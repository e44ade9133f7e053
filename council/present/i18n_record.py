"""The words around a run record, in English and Khmer (merged into ``i18n``).

The decision card, the rounds and their transcript, and spot the faulty seats.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

RECORD_TEXT: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
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
        # the tells: what in the record gives a seat away (``present.exercise.tells``)
        "tell_silent": (
            "It said nothing in round(s) {rounds}.",
            "វាមិនបាននិយាយអ្វីទេក្នុងជុំទី {rounds}។",
        ),
        "tell_nothing": ("nothing", "គ្មានអ្វី"),
        "tell_stated": (
            "It stated {path}, round by round.",
            "វាបានថ្លែង {path} តាមលំដាប់ជុំ។",
        ),
        "tell_confident": (
            "In round {round} it spoke with confidence {mine:.2f}, above every honest seat "
            "(at most {most:.2f}).",
            "ក្នុងជុំទី {round} វានិយាយដោយទំនុកចិត្ត {mine:.2f} "
            "ខ្ពស់ជាងអាសនៈស្មោះត្រង់ទាំងអស់ (យ៉ាងច្រើន {most:.2f})។",
        ),
        "tell_told_part": ("{n} seats {option}", "អាសនៈ {n} ថា {option}"),
        "tell_and": (" and ", " និង "),
        "tell_told": (
            "In round {round} it told {parts}: different things to different seats.",
            "ក្នុងជុំទី {round} វាបានប្រាប់{parts}៖ រឿងខុសៗគ្នាទៅអាសនៈផ្សេងៗគ្នា។",
        ),
        "tell_extreme": (
            "In round {round} it scored {option} +1.00 and every other option -1.00: an "
            "all-or-nothing case no honest weighing of the principles gives.",
            "ក្នុងជុំទី {round} វាដាក់ពិន្ទុ {option} +1.00 និងជម្រើសផ្សេងទៀតទាំងអស់ -1.00៖ "
            "ករណីទាំងអស់ ឬគ្មានអ្វីសោះ ដែលការថ្លឹងថ្លែងគោលការណ៍ដោយស្មោះត្រង់មិនដែលផ្តល់ឲ្យទេ។",
        ),
        "tell_sent": (
            "What it sent in round {round}: {said}",
            "អ្វីដែលវាបានផ្ញើក្នុងជុំទី {round}៖ {said}",
        ),
        "tell_cast_nothing": (
            "In ballot {ballot} it cast nothing.",
            "ក្នុងការបោះឆ្នោតលើកទី {ballot} វាមិនបានបោះឆ្នោតទេ។",
        ),
        "tell_cast_other": (
            "In ballot {ballot} it cast {cast} though it had argued for {argued}.",
            "ក្នុងការបោះឆ្នោតលើកទី {ballot} វាបោះឆ្នោតឲ្យ {cast} ទោះបីវាបានលើកអំណះអំណាងគាំទ្រ {argued} ក៏ដោយ។",
        ),
        "tell_cast_against": (
            "In ballot {ballot} it cast {cast}, against the honest majority's {majority}.",
            "ក្នុងការបោះឆ្នោតលើកទី {ballot} វាបោះឆ្នោតឲ្យ {cast} ផ្ទុយពី {majority} របស់សំឡេងភាគច្រើនស្មោះត្រង់។",
        ),
        "tell_commit": (
            "In ballot {ballot} it sent a commit for {option}.",
            "ក្នុងការបោះឆ្នោតលើកទី {ballot} វាបានផ្ញើការប្តេជ្ញាចំពោះ {option}។",
        ),
        "tell_matched": (
            "Every ballot it cast matched what it had argued.",
            "រាល់សន្លឹកឆ្នោតដែលវាបានបោះ ស្របនឹងអ្វីដែលវាបានលើកអំណះអំណាង។",
        ),
        "tell_hard": (
            "It behaved much like an honest seat in what the record shows: hard to spot.",
            "តាមកំណត់ត្រា វាប្រព្រឹត្តស្ទើរតែដូចអាសនៈស្មោះត្រង់៖ ពិបាករកឃើញ។",
        ),
    }
)
