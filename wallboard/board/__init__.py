"""The board model: everything a supervisor sees, derived before any pixel.

From a :class:`~wallboard.core.view.FloorView` and the server's time it says what the board
shows — whether the data is live (and if not, why, as enums), which agents are in scope and in
which order, the scoped figures and queue groups, alert levels per agent and queue, the waiting
callers, a wall TV's page plan, and this board's monitoring session (what may be done now, and
why not). It never imports Qt, the feed's sockets or a clock: the windows adapt it, the tests
read it from tables.
"""
