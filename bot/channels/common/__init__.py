"""What every channel shares: the checks on what a user sends, the safety net,
the turn pipeline, the collectors, background lanes, conversation state, the
lock-out and the root route. Imports no channel."""
