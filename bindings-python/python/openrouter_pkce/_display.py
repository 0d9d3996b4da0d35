"""Jupyter display helpers (HTML built here, where escaping is the standard library's)."""

from __future__ import annotations

import html


def auth_link_html(url: str) -> str:
    """A clickable "Connect OpenRouter" link to ``url``, with the href escaped."""
    href = html.escape(url, quote=True)
    return (
        f'<a href="{href}" target="_blank" rel="noopener noreferrer" '
        'style="display:inline-block;padding:6px 14px;border-radius:6px;'
        'background:#6467f2;color:#fff;text-decoration:none;font-weight:600">'
        "Connect OpenRouter</a>"
    )
