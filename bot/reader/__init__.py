"""The reader: facts from a professional's free text (issue 18, "Listen").

``read(text, kb) -> Reading``. Pure: no Rasa, nothing downloaded, no I/O at import
(the word lists are read once, at first use). Rules and design decisions:
bot/reader/README.md.
"""

from bot.reader.model import IndicatorFact, Reading
from bot.reader.read import read

__all__ = ["IndicatorFact", "Reading", "read"]
