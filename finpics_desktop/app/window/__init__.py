"""The window's own view state (what a place shows, the people places' actions, empty states):
plain Python the ui/ controllers draw."""
