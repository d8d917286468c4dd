from django.db import models

from fakturo.crm.choices import DeliveryFormat


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


# The files a document is rendered as are the ones it can be sent as.
RenderedFormat = DeliveryFormat
