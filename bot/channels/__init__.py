"""Rasa input channels: verify the caller, check the input, guarantee an answer."""
