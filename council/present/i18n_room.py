"""The workshop room's words in English and Khmer (merged into ``i18n``).

The facilitator's Open a room and console, the trainee's Join, Your seat and statement form,
Spot the faulty seats and the leaderboard, the projector, the secret roles' briefs and the
handout's Who played what. Not yet reviewed by a native speaker (see the README).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

ROOM_TEXT: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        # the page
        "page_room": ("Room", "បន្ទប់"),
        "room_page_title": ("Workshop room", "បន្ទប់សិក្ខាសាលា"),
        "room_page_caption": (
            "Trainees join one council from their own phones; the facilitator opens the room "
            "and hands out secret roles.",
            "សិក្ខាកាមចូលរួមក្រុមប្រឹក្សាតែមួយពីទូរស័ព្ទរបស់ខ្លួន; អ្នកសម្របសម្រួលបើកបន្ទប់ ហើយចែកតួនាទីសម្ងាត់។",
        ),
        "room_tab_join": ("Join a room", "ចូលរួមបន្ទប់"),
        "room_tab_open": ("Open a room (facilitator)", "បើកបន្ទប់ (អ្នកសម្របសម្រួល)"),
        "room_back": ("Back to a room you opened", "ត្រឡប់ទៅបន្ទប់ដែលអ្នកបានបើក"),
        "room_title": ("Room {code}", "បន្ទប់ {code}"),
        "room_code": ("Room code", "លេខកូដបន្ទប់"),
        # open a room
        "room_size": ("Council size", "ចំនួនអាសនៈ"),
        "room_people": ("People (trainees)", "មនុស្ស (សិក្ខាកាម)"),
        "room_rounds": ("Rounds", "ចំនួនជុំ"),
        "room_roles": (
            "**Secret roles** (each trainee sees only their own)",
            "**តួនាទីសម្ងាត់** (សិក្ខាកាមម្នាក់ៗឃើញតែតួនាទីរបស់ខ្លួន)",
        ),
        "room_seat": ("Seat {seat}", "អាសនៈ {seat}"),
        "room_auto": ("Automated faulty seats", "អាសនៈមានកំហុសស្វ័យប្រវត្តិ"),
        "room_auto_fault": ("Their fault", "កំហុសរបស់ពួកវា"),
        "room_timer": ("Round timer, seconds (0: none)", "ពេលកំណត់ក្នុងមួយជុំ គិតជាវិនាទី (0៖ គ្មាន)"),
        "room_llm": (
            "The other seats speak through an LLM (OpenAI-compatible endpoint)",
            "អាសនៈផ្សេងទៀតនិយាយតាមរយៈ LLM (ម៉ាស៊ីនមេដែលត្រូវគ្នានឹង OpenAI)",
        ),
        "room_base_url": ("Base URL (empty: OpenAI)", "អាសយដ្ឋាន URL (ទទេ៖ OpenAI)"),
        "room_model": ("Model", "ម៉ូដែល"),
        "room_api_key": (
            "API key (empty: the server's OPENAI_API_KEY)",
            "សោ API (ទទេ៖ OPENAI_API_KEY របស់ម៉ាស៊ីនមេ)",
        ),
        "room_key_note": (
            "The key stays in this server's memory for this room only: never in the address, "
            "the store or the page, and gone when the server stops.",
            "សោនេះនៅក្នុងអង្គចងចាំរបស់ម៉ាស៊ីនមេសម្រាប់តែបន្ទប់នេះប៉ុណ្ណោះ៖ "
            "មិនដែលនៅក្នុងអាសយដ្ឋាន ឃ្លាំងទិន្នន័យ ឬទំព័រឡើយ ហើយបាត់ទៅពេលម៉ាស៊ីនមេឈប់។",
        ),
        "room_open": ("Open the room", "បើកបន្ទប់"),
        # the facilitator key
        "room_host_key": ("Facilitator key", "សោអ្នកសម្របសម្រួល"),
        "room_open_console": ("Open the console", "បើកផ្ទាំងគ្រប់គ្រង"),
        "room_bad_key": ("That key does not open this room.", "សោនោះមិនបើកបន្ទប់នេះទេ។"),
        "room_fresh_key": (
            "Facilitator key: `{key}`. Note it: it opens this console from another browser. "
            "It is not shown again.",
            "សោអ្នកសម្របសម្រួល៖ `{key}`។ សូមកត់ទុក៖ វាបើកផ្ទាំងគ្រប់គ្រងនេះពីកម្មវិធីរុករកផ្សេង។ "
            "វានឹងមិនបង្ហាញម្តងទៀតទេ។",
        ),
        "room_key_noted": ("I have noted the key", "ខ្ញុំបានកត់សោរួចហើយ"),
        "room_llm_key_lost": (
            "This room's LLM key is gone (the server restarted): type it again to go on.",
            "សោ LLM របស់បន្ទប់នេះបាត់ហើយ (ម៉ាស៊ីនមេបានចាប់ផ្តើមឡើងវិញ)៖ សូមវាយវាម្តងទៀតដើម្បីបន្ត។",
        ),
        "room_keep_llm_key": ("Keep the key for this room", "រក្សាសោសម្រាប់បន្ទប់នេះ"),
        # the console
        "room_code_line": ("Room code: **{code}**", "លេខកូដបន្ទប់៖ **{code}**"),
        "room_join_line": (
            "Trainees open `{url}` (or scan the code) and enter their name.",
            "សិក្ខាកាមបើក `{url}` (ឬស្កេនកូដ) ហើយបញ្ចូលឈ្មោះរបស់ខ្លួន។",
        ),
        "room_projector_line": (
            "Projector: `?view=projector&room={code}` on this page's address.",
            "ម៉ាស៊ីនបញ្ចាំង៖ `?view=projector&room={code}` នៅលើអាសយដ្ឋានទំព័រនេះ។",
        ),
        "room_scan": ("Scan to join", "ស្កេនដើម្បីចូលរួម"),
        "room_move": ("Move on now", "បន្តឥឡូវនេះ"),
        "room_could_not": (
            "The council could not go on: {error}",
            "ក្រុមប្រឹក្សាមិនអាចបន្តបានទេ៖ {error}",
        ),
        "room_close": ("Close the room", "បិទបន្ទប់"),
        "room_reveal": ("Reveal who plays what", "បង្ហាញថាអ្នកណាដើរតួអ្វី"),
        "room_download": (
            "Download the handout (with who played what)",
            "ទាញយកឯកសារចែកជូន (រួមទាំងអ្នកណាដើរតួអ្វី)",
        ),
        "room_automated": ("(automated)", "(ស្វ័យប្រវត្តិ)"),
        "room_faulty": ("faulty", "មានកំហុស"),
        "room_col_seat": ("seat", "អាសនៈ"),
        "room_col_name": ("name", "ឈ្មោះ"),
        "room_col_role": ("role", "តួនាទី"),
        "room_col_rank": ("rank", "ចំណាត់ថ្នាក់"),
        "room_col_score": ("score", "ពិន្ទុ"),
        "room_col_found": ("found", "រកឃើញ"),
        "room_col_wrong": ("wrong", "ចោទខុស"),
        "room_col_missed": ("missed", "រំលង"),
        "room_state_line": ("State: **{state}**", "ស្ថានភាព៖ **{state}**"),
        "room_state_waiting": ("waiting", "កំពុងរង់ចាំ"),
        "room_state_running": ("running", "កំពុងដំណើរការ"),
        "room_state_done": ("done", "បានបញ្ចប់"),
        "room_state_closed": ("closed", "បានបិទ"),
        "room_state_failed": ("failed", "បរាជ័យ"),
        "room_left": ("{left} s left", "នៅសល់ {left} វិនាទី"),
        "room_free": ("seat {seat} (free)", "អាសនៈ {seat} (ទំនេរ)"),
        "room_stopped": ("The council stopped: {error}", "ក្រុមប្រឹក្សាបានឈប់៖ {error}"),
        # rounds and waiting
        "room_the_opening": ("the opening", "ការបើក"),
        "room_round_n": ("round {round}", "ជុំទី {round}"),
        "room_everyone": ("Everyone has answered.", "គ្រប់គ្នាបានឆ្លើយរួចហើយ។"),
        "room_nobody_joined": ("seat {seat} (nobody joined)", "អាសនៈ {seat} (គ្មាននរណាចូលរួម)"),
        "room_waiting_one": ("Waiting for 1 person: {names}.", "កំពុងរង់ចាំមនុស្ស 1 នាក់៖ {names}។"),
        "room_waiting_many": (
            "Waiting for {count} people: {names}.",
            "កំពុងរង់ចាំមនុស្ស {count} នាក់៖ {names}។",
        ),
        "room_round_line": ("Round: {round} · {waiting}", "ជុំ៖ {round} · {waiting}"),
        # join and the seat
        "room_your_name": ("Your name (shown to the room)", "ឈ្មោះរបស់អ្នក (បង្ហាញដល់បន្ទប់)"),
        "room_join": ("Join", "ចូលរួម"),
        "room_bad_link": (
            "This seat link is not valid for this room: join again with the room code.",
            "តំណអាសនៈនេះមិនត្រឹមត្រូវសម្រាប់បន្ទប់នេះទេ៖ សូមចូលរួមម្តងទៀតដោយប្រើលេខកូដបន្ទប់។",
        ),
        "room_you_play": (
            "**{name}**, you play **{persona}** ({group}), seat {seat}.",
            "**{name}** អ្នកដើរតួជា **{persona}** ({group}) អាសនៈ {seat}។",
        ),
        "room_the_scenario": ("The scenario: {title}", "ករណី៖ {title}"),
        "room_statement_in": (
            "Your statement is in. You can still change it until the round moves on.",
            "សេចក្តីថ្លែងរបស់អ្នកបានទទួលហើយ។ អ្នកនៅតែអាចកែវាបាន រហូតដល់ជុំបន្ត។",
        ),
        "room_closed": ("The facilitator has closed this room.", "អ្នកសម្របសម្រួលបានបិទបន្ទប់នេះ។"),
        "room_others_speak": ("The other seats are speaking…", "អាសនៈផ្សេងទៀតកំពុងនិយាយ…"),
        "room_heard": (
            "**What you heard** (seats per option): {counts}",
            "**អ្វីដែលអ្នកបានឮ** (អាសនៈតាមជម្រើស)៖ {counts}",
        ),
        "room_your_option": ("Your option", "ជម្រើសរបស់អ្នក"),
        "room_how_sure": ("How sure are you?", "តើអ្នកប្រាកដប៉ុណ្ណា?"),
        "room_why": ("Why (a sentence or two)", "ហេតុអ្វី (មួយ ឬពីរប្រយោគ)"),
        "room_each_group": (
            "**What each group hears** (only you see this)",
            "**អ្វីដែលក្រុមនីមួយៗឮ** (មានតែអ្នកទេដែលឃើញ)",
        ),
        "room_same": ("Same as my option", "ដូចជម្រើសរបស់ខ្ញុំ"),
        "room_tell": ("What you tell {group}", "អ្វីដែលអ្នកប្រាប់{group}"),
        "room_send": ("Send my statement", "ផ្ញើសេចក្តីថ្លែងរបស់ខ្ញុំ"),
        "room_say_why": ("Say why, in a sentence or two.", "សូមពន្យល់ហេតុផល ក្នុងមួយ ឬពីរប្រយោគ។"),
        # spot the faulty seats and the leaderboard
        "room_spot": ("Spot the faulty seats", "រកអាសនៈមានកំហុស"),
        "room_which": ("Which seats were faulty?", "តើអាសនៈណាខ្លះមានកំហុស?"),
        "room_seat_pick": ("seat {seat} · {name}", "អាសនៈ {seat} · {name}"),
        "room_send_guess": ("Send my guess", "ផ្ញើការទាយរបស់ខ្ញុំ"),
        "room_your_score": (
            "Your score: {score} (found {found}, wrongly accused {wrong}, missed {missed}).",
            "ពិន្ទុរបស់អ្នក៖ {score} (រកឃើញ {found} ចោទខុស {wrong} រំលង {missed})។",
        ),
        "room_leaderboard": ("Leaderboard", "តារាងពិន្ទុ"),
        "room_no_guesses": ("Nobody has guessed yet.", "មិនទាន់មាននរណាទាយនៅឡើយទេ។"),
        # the projector
        "room_decided": ("Decided: {option}", "បានសម្រេច៖ {option}"),
        "room_no_quorum": ("No option reached the quorum.", "គ្មានជម្រើសណាឈានដល់កូរ៉ុមទេ។"),
        "room_quorum_gauge": (
            "Quorum: <b>{best}</b> of the <b>{quorum}</b> needed ({size} seats)",
            "កូរ៉ុម៖ <b>{best}</b> ក្នុងចំណោម <b>{quorum}</b> ដែលត្រូវការ (អាសនៈ {size})",
        ),
        "room_no_ballot": (" · no ballot yet", " · មិនទាន់មានការបោះឆ្នោត"),
        "room_gauge_label": ("support {best} of {quorum}", "ការគាំទ្រ {best} ក្នុងចំណោម {quorum}"),
        "room_last_round": (
            "Last round ({rounds} finished): first choices",
            "ជុំចុងក្រោយ (បានបញ្ចប់ {rounds})៖ ជម្រើសទីមួយ",
        ),
        "room_answered": ("Answered: {marks}", "បានឆ្លើយ៖ {marks}"),
        # roles and their briefs
        "role_honest": ("honest", "ស្មោះត្រង់"),
        "role_equivocate": ("equivocate", "និយាយពីរមុខ"),
        "role_persuader": ("persuader for {option}", "អ្នកបញ្ចុះបញ្ចូលឲ្យ {option}"),
        "role_collude": ("collude for {option}", "អ្នកឃុបឃិតគាំទ្រ {option}"),
        "role_stubborn": ("stubborn for {option}", "រឹងរូសលើ {option}"),
        "brief_honest": (
            "You are an honest member of the council: say what you think is best, and argue "
            "for it.",
            "អ្នកជាសមាជិកស្មោះត្រង់នៃក្រុមប្រឹក្សា៖ សូមនិយាយអ្វីដែលអ្នកគិតថាល្អបំផុត ហើយលើកអំណះអំណាងគាំទ្រវា។",
        ),
        "brief_equivocate": (
            "Secret role: equivocator. Tell different groups different things: push one option "
            "to some groups and another to the rest, so the honest seats split and no option "
            "reaches the quorum. Nobody else knows your role.",
            "តួនាទីសម្ងាត់៖ អ្នកនិយាយពីរមុខ។ ប្រាប់ក្រុមផ្សេងៗនូវរឿងខុសៗគ្នា៖ "
            "ជំរុញជម្រើសមួយទៅក្រុមខ្លះ និងជម្រើសមួយទៀតទៅក្រុមដែលនៅសល់ "
            "ដើម្បីឲ្យអាសនៈស្មោះត្រង់បែកគ្នា ហើយគ្មានជម្រើសណាឈានដល់កូរ៉ុម។ "
            "គ្មាននរណាផ្សេងដឹងពីតួនាទីរបស់អ្នកទេ។",
        ),
        "brief_persuader": (
            "Secret role: persuader for {option}. Win the council over to {option} by argument, "
            "to every group. Nobody else knows your role.",
            "តួនាទីសម្ងាត់៖ អ្នកបញ្ចុះបញ្ចូលឲ្យ {option}។ "
            "ទាញក្រុមប្រឹក្សាឲ្យគាំទ្រ {option} ដោយអំណះអំណាង ចំពោះគ្រប់ក្រុម។ "
            "គ្មាននរណាផ្សេងដឹងពីតួនាទីរបស់អ្នកទេ។",
        ),
        "brief_collude": (
            "Secret role: colluder for {option}. Back {option} whatever is said, with the other "
            "colluders. Nobody else knows your role.",
            "តួនាទីសម្ងាត់៖ អ្នកឃុបឃិតគាំទ្រ {option}។ គាំទ្រ {option} "
            "មិនថាគេនិយាយអ្វីក៏ដោយ រួមជាមួយអ្នកឃុបឃិតផ្សេងទៀត។ "
            "គ្មាននរណាផ្សេងដឹងពីតួនាទីរបស់អ្នកទេ។",
        ),
        "brief_stubborn": (
            "Secret role: stubborn for {option}. Say {option} every round and never move. "
            "Nobody else knows your role.",
            "តួនាទីសម្ងាត់៖ រឹងរូសលើ {option}។ និយាយ {option} រៀងរាល់ជុំ ហើយកុំប្តូរចិត្តឡើយ។ "
            "គ្មាននរណាផ្សេងដឹងពីតួនាទីរបស់អ្នកទេ។",
        ),
        # what a room refuses (``RoomError``: its key, then its English exactly as raised)
        "room_error_no_room": (
            "no room {code!r}: check the code",
            "គ្មានបន្ទប់ {code!r} ទេ៖ សូមពិនិត្យលេខកូដ",
        ),
        "room_error_ended": ("room {code} is {state}", "បន្ទប់ {code} {state}"),
        "room_error_no_name": ("give a display name", "សូមផ្តល់ឈ្មោះដែលត្រូវបង្ហាញ"),
        "room_error_not_a_person": (
            "seat {seat} is not a person's seat in room {code}",
            "អាសនៈ {seat} មិនមែនជាអាសនៈសម្រាប់មនុស្សនៅក្នុងបន្ទប់ {code} ទេ",
        ),
        "room_error_seat_taken": ("seat {seat} is taken", "អាសនៈ {seat} មានគេយករួចហើយ"),
        "room_error_full": (
            "room {code} is full ({people} people)",
            "បន្ទប់ {code} ពេញហើយ (មនុស្ស {people} នាក់)",
        ),
        "room_error_no_code": (
            "could not find a free room code",
            "រកលេខកូដបន្ទប់ទំនេរមិនឃើញទេ",
        ),
        "room_error_unknown_token": (
            "unknown seat token: join the room again",
            "មិនស្គាល់សញ្ញាសម្គាល់អាសនៈនេះទេ៖ សូមចូលរួមបន្ទប់ម្តងទៀត",
        ),
        "room_error_not_waiting": (
            "the council is not waiting for your seat now",
            "ឥឡូវនេះក្រុមប្រឹក្សាមិនកំពុងរង់ចាំអាសនៈរបស់អ្នកទេ",
        ),
        "room_error_no_option": (
            "{option!r} is not an option here",
            "{option!r} មិនមែនជាជម្រើសនៅទីនេះទេ",
        ),
        "room_error_not_secret": (
            "only a seat with a secret role tells groups different things",
            "មានតែអាសនៈដែលមានតួនាទីសម្ងាត់ទេ ដែលប្រាប់ក្រុមផ្សេងៗនូវរឿងខុសៗគ្នា",
        ),
        "room_error_no_group_option": (
            "{group}: {option!r} is not an option here",
            "{group}៖ {option!r} មិនមែនជាជម្រើសនៅទីនេះទេ",
        ),
        "room_error_moved_on": (
            "the round moved on before your statement arrived",
            "ជុំបានបន្តទៅមុន មុនពេលសេចក្តីថ្លែងរបស់អ្នកមកដល់",
        ),
        "room_error_no_seat": (
            "no seat {seat} in this council",
            "គ្មានអាសនៈ {seat} ក្នុងក្រុមប្រឹក្សានេះទេ",
        ),
        "room_error_not_decided": (
            "the faulty seats are revealed once the council has decided",
            "អាសនៈមានកំហុសត្រូវបានបង្ហាញ នៅពេលក្រុមប្រឹក្សាបានសម្រេចរួច",
        ),
        # the handout's who played what
        "room_who_played": ("Who played what", "អ្នកណាដើរតួអ្វី"),
        "room_played_header": (
            "| Seat | Played by | Role | Seat's behaviour |",
            "| អាសនៈ | ដើរតួដោយ | តួនាទី | ឥរិយាបថរបស់អាសនៈ |",
        ),
        "room_automated_line": (
            "Automated faulty seats: {seats}.",
            "អាសនៈមានកំហុសស្វ័យប្រវត្តិ៖ {seats}។",
        ),
    }
)
