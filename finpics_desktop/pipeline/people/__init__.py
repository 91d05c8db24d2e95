"""People: names on faces and their records, proposals and groups, merging, and keeping names
across a re-index or a replaced photo."""
