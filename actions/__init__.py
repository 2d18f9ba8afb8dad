"""rasa_sdk actions: thin adapters between Rasa's tracker and the pure code in bot/."""
