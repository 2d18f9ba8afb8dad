"""Golden Hour: the triage core and everything around Rasa (knowledge, flow, channels)."""
