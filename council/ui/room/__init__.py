"""The workshop room's screens: the facilitator's console, the trainee's seat, the projector.

Each screen reads the room from the store on every render (and every poll), never from the
browser session: a reload, another device or a restarted server shows the same room.
"""
