"""Helpers for the test suite: real desktop services (Xvfb, D-Bus, trayer, dunst, keyring)."""
