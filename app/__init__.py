"""Cadence: a local-first desktop planner."""

__version__ = "0.1.0"
APP_NAME = "Cadence"
APP_ID = "org.cadence.Cadence"
