"""The tag that loads the browser client: `script`.

Named ``client`` rather than ``script`` so the module is never hidden by the function of that
name, which `stario.datastar` re-exports.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from stario.assets import client_url

__all__ = ["script"]


def script() -> str:
    """The ``<script>`` tag that loads the browser client, for a page's ``<head>``.

    It loads the client every Stario app serves at ``/_stario/client.js`` (with a version in
    the URL, so browsers cache it); set ``STARIO_DATASTAR_URL`` to load another build, such as
    the official Datastar bundle, instead.
    """
    return Markup(f'<script type="module" src="{escape(client_url())}"></script>')
