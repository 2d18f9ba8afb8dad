"""Rasa input channels: verify the caller, check the input, guarantee an answer.

One package per channel (``rest``, ``widget``, ``teams``, ``sms``), each exporting
the class credentials.yml names, on the shared turn pipeline in ``common``
(bot/channels/common/pipeline.py). A channel imports ``common``, never another
channel (tests/unit/test_import_rules.py)."""
