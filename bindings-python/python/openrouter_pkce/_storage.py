"""``logout()``: the native store does the work; this prints where the key can be revoked."""

from __future__ import annotations

import sys

from openrouter_pkce import _native


def logout() -> None:
    """Delete the stored key and print (on stderr) its settings URL, where it can be revoked: a deleted
    key keeps working until then. Prints that nothing was stored when there was no key file.

    :raises StorageError: the key file could not be removed.
    """
    print(_native._logout(), file=sys.stderr)
