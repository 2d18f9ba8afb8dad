"""Keeping identifying details about a child out of what the assistant stores."""
