from django.db import models


class Layout(models.TextChoices):
    CLASSIC = "classic", "Classic"
    MODERN = "modern", "Modern"
    COMPACT = "compact", "Compact"


class Font(models.TextChoices):
    """The bundled font families (copied into documents/fonts/ by fakturo.web.vendor); the
    value is the family name Typst looks up."""

    SOURCE_SANS = "Source Sans 3", "Source Sans 3"
    SOURCE_SERIF = "Source Serif 4", "Source Serif 4"
    OPEN_SANS = "Open Sans", "Open Sans"


class Paper(models.TextChoices):
    A4 = "a4", "A4"
    US_LETTER = "us-letter", "US Letter"


class RenderedFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    FACTURX = "facturx", "Factur-X PDF"
    UBL = "ubl", "UBL 2.1 XML"
    CII = "cii", "UN/CEFACT CII XML"
    XRECHNUNG = "xrechnung", "XRechnung XML"
    PEPPOL = "peppol", "Peppol BIS 3.0 XML"


LAYOUTS = Layout
FONTS = Font
PAPER = Paper
