"""Sync with other calendars and task lists: providers, fetching, scheduling. No Qt."""
