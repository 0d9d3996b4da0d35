"""``logout()``: the native store does the work; this prints where the key can be revoked."""

from __future__ import annotations

import sys

from openrouter_pkce import _native

# No `typing` at run time (import cost); the annotations are strings for the type checkers.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

    from openrouter_pkce.types import Storage


def logout(*, profile: Optional[str] = None, storage: Optional[Storage] = None) -> None:
    """Delete the profile's stored key (its file, or its keyring entry) and print (on stderr) its settings
    URL, where it can be revoked: a deleted key keeps working until then. Prints that nothing was stored
    when there was no key. ``profile`` and ``storage`` as in :func:`load_key`.

    :raises StorageError: the key could not be removed.
    """
    print(_native._logout(profile=profile, storage=storage), file=sys.stderr)
