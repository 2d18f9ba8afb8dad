"""Rasa's check of the action server's answers, with its validator built once.

Rasa 3.6 checks every answer from the action server against a JSON Schema with
``jsonschema.validate``, which first re-checks the schema itself against the
meta-schema, on every call: about 20 ms of every turn, a fifth of it, on Rasa's
event loop (bench/profile_turn.py). The schema never changes, so this checks it
once and keeps the validator. The answer is held to the same schema, the same
error is chosen (``best_match``) and raised with the same explanation.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import rasa
from jsonschema import validators
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_rasa_check = RemoteAction._validate_action_result


@lru_cache(maxsize=1)
def validator() -> Validator:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(_action: RemoteAction, result: dict[str, Any]) -> bool:
    error = best_match(validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your "
        "response from the Action endpoint is valid. For more information about "
        f"the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> bool:
    """Use the one-time validator in this process; False (Rasa's own check stays)
    on a Rasa other than 3.6, whose check this was written against."""
    if not rasa.__version__.startswith("3.6."):
        return False
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
    return True
