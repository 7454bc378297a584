"""A stateful stub of the Recoup and Turso "remove organization member" APIs."""
