"""The spaCy pipeline Rasa reads words with: a blank English pipeline plus rule
components built from the project's own pattern files (nothing downloaded)."""
