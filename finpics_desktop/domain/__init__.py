"""The finpics domain: ids, names, keys, items and errors. Pure Python, no I/O."""
