"""QR codes as inline SVG, drawn on the server (no script, no image request).

One path of unit squares on a white square with the standard quiet zone, so that a phone's
camera reads it in dark mode too; the page sets its size through CSS.
"""

from __future__ import annotations

from html import escape

import qrcode
import qrcode.constants


def qr_svg(text: str, *, label: str) -> str:
    """An ``<svg>`` element encoding ``text``, announced to screen readers as ``label``."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(text)
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    size = len(matrix)
    squares = "".join(
        f"M{x},{y}h1v1h-1z" for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'role="img" aria-label="{escape(label)}" class="qr-code" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path d="{squares}" fill="#000"/></svg>'
    )
