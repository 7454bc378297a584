"""The stub's state kept in Redis, shared by every worker process and replica that names the same prefix.

`link.py` holds the connection and the one Lua script (`state.lua`) every stateful step runs in;
`layout.py` turns a `State` into the script's input and the script's dump back into a state document;
`store.py` is the store the control API uses (documents, seed, reset, snapshots); `recoup.py` and
`turso.py` have the same functions as `core/recoup.py` and `core/turso.py` (the vendor handlers call them
unchanged): each does the request-shape checks in Python with the same code and makes ONE script call
that runs the stateful checks in the vendor's order and the change, atomically. `faults.py`, `sessions.py`
and `journal.py` keep the fault rules, the sessions and the journal there too.
"""
