"""Persistence (SQLAlchemy 2.0-style on 1.4): resume codes for paused cases."""
