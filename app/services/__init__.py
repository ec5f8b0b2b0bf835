"""Use cases on the store: plain Python, no widgets, one session per operation."""
