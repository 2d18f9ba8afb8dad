"""The parts of Rasa that Golden Hour replaces, named in endpoints.yml and used by
the channels: the tracker store that keeps no typed words (tracker_store.py), the
lock store that keeps live tickets alive (lock_store.py) and the one schema for
action answers (action_answers.py). Not channels: no request comes in here."""
