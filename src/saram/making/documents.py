"""PDFs in Korean: the completion certificate (with its QR code) and the annual report.

WeasyPrint lays out HTML rendered from templates; fonts-nanum gives the Korean glyphs.
"""

from __future__ import annotations

from typing import Any

import segno
from django.template.loader import render_to_string


def qr_svg_data_uri(url: str) -> str:
    """A QR code of the URL as an SVG data URI (embedded, no file, no network)."""
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


def html_to_pdf(html: str, *, base_url: str) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 -- heavy (weasyprint), only where a PDF is made

    return bytes(HTML(string=html, base_url=base_url).write_pdf())


def certificate_pdf(*, certificate: Any, verify_url: str, base_url: str) -> bytes:
    """The certificate: holder, course, hours, date, code and a QR code of the check page."""
    html = render_to_string(
        "making/pdf/certificate.html",
        {
            "certificate": certificate,
            "course": certificate.course,
            "verify_url": verify_url,
            "qr": qr_svg_data_uri(verify_url),
        },
    )
    return html_to_pdf(html, base_url=base_url)


def annual_report_pdf(*, context: dict[str, Any], base_url: str) -> bytes:
    html = render_to_string("making/pdf/annual_report.html", context)
    return html_to_pdf(html, base_url=base_url)
