"""The membership rules and state. Pure Python: nothing here knows about HTTP."""
