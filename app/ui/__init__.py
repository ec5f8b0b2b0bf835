"""Qt widgets and item models; talks only to app.services and receives plain dataclasses."""
