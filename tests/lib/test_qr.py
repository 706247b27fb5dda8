"""The inline QR code: one square per dark module of qrcode's matrix, quiet zone included."""

from __future__ import annotations

import re

import qrcode

from trygg.lib.qr import qr_svg

URL = "otpauth://totp/Trygg:alice?secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30&issuer=Trygg"


def test_every_dark_module_is_one_square_on_a_white_ground():
    svg = qr_svg(URL, label="QR-kod")
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(URL)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    # A version's side (17 + 4 per version) plus four modules of quiet zone on each side.
    assert (size - 8 - 17) % 4 == 0
    assert f'viewBox="0 0 {size} {size}"' in svg
    assert f'<rect width="{size}" height="{size}" fill="#fff"/>' in svg
    squares = {tuple(map(int, m)) for m in re.findall(r"M(\d+),(\d+)h1v1h-1z", svg)}
    dark = {(x, y) for y, row in enumerate(matrix) for x, on in enumerate(row) if on}
    assert squares == dark
    # The quiet zone stays white.
    assert all(4 <= x < size - 4 and 4 <= y < size - 4 for x, y in squares)


def test_the_label_is_escaped_for_the_attribute():
    svg = qr_svg("x", label='Kod "för" <appen>')
    assert 'role="img" aria-label="Kod &quot;för&quot; &lt;appen&gt;"' in svg
    assert "<script" not in svg
