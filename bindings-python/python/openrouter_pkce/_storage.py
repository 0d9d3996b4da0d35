"""``logout()``: the native store does the work; this prints where the key can be revoked."""

from __future__ import annotations

import os
import sys

from openrouter_pkce import _native


def logout() -> None:
    """Delete the stored key and print (on stderr) its settings URL, where it can be revoked: a deleted
    key keeps working until then. Prints that nothing was stored when there was no key file.

    :raises StorageError: the key file could not be removed.
    """
    path, masked, settings_url = _native._logout()
    if masked is None:
        print(f"No stored key to delete ({path}).", file=sys.stderr)
    else:
        print(
            f"Deleted the stored key {masked} ({path}).\nIt still works until you revoke it: {settings_url}",
            file=sys.stderr,
        )
    if os.environ.get("OPENROUTER_API_KEY", "").strip():
        print("Note: OPENROUTER_API_KEY is still set in your environment.", file=sys.stderr)
