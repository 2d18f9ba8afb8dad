"""Every sentence the user sees goes through ``_`` so that Babel can extract it.

Catalogues (en_GB, cy) are added with the conversation work; until a catalogue is
installed the source text is returned unchanged.
"""

from __future__ import annotations

import gettext

_translations: gettext.NullTranslations = gettext.NullTranslations()


def _(message: str) -> str:
    return _translations.gettext(message)
