from django.db import models


class VatCategory(models.TextChoices):
    """EN 16931 VAT category codes (UNCL 5305 subset), BT-118 / BT-151."""

    STANDARD = "S", "Standard rate"
    ZERO = "Z", "Zero rated"
    EXEMPT = "E", "Exempt from VAT"
    REVERSE_CHARGE = "AE", "Reverse charge"
    INTRA_EU = "K", "Intra-community supply (VAT exempt)"
    EXPORT = "G", "Export outside the EU (free export item)"
    OUTSIDE_SCOPE = "O", "Not subject to VAT"
    CANARY = "L", "Canary Islands general indirect tax (IGIC)"
    CEUTA_MELILLA = "M", "Ceuta and Melilla tax (IPSI)"
    NOT_VAT = "", "Not VAT (other tax)"


# Categories whose invoices must state an exemption reason (BR-E-10, BR-AE-10, BR-IC-10,
# BR-G-10, BR-O-10): text or a VATEX code.
CATEGORIES_NEEDING_REASON = frozenset({"E", "AE", "K", "G", "O"})
# Categories whose rate must be 0 (BR-Z-5, BR-E-5, BR-AE-5, BR-IC-5, BR-G-5, BR-O-5).
ZERO_RATE_CATEGORIES = frozenset({"Z", "E", "AE", "K", "G", "O"})


class TaxKind(models.TextChoices):
    ADDITIVE = "additive", "Added to the net"
    COMPOUND = "compound", "Compound (on net plus other taxes)"
    WITHHOLDING = "withholding", "Withheld (reduces the amount due)"


class Unit(models.TextChoices):
    """Common UN/ECE Recommendation 20 unit codes (BT-130)."""

    PIECE = "C62", "piece"
    HOUR = "HUR", "hour"
    DAY = "DAY", "day"
    WEEK = "WEE", "week"
    MONTH = "MON", "month"
    YEAR = "ANN", "year"
    MINUTE = "MIN", "minute"
    KILOGRAM = "KGM", "kilogram"
    GRAM = "GRM", "gram"
    TONNE = "TNE", "tonne"
    METRE = "MTR", "metre"
    KILOMETRE = "KMT", "kilometre"
    SQUARE_METRE = "MTK", "square metre"
    CUBIC_METRE = "MTQ", "cubic metre"
    LITRE = "LTR", "litre"
    KILOWATT_HOUR = "KWH", "kilowatt hour"
    SET = "SET", "set"
    PACKAGE = "XPK", "package"
    LUMP_SUM = "LS", "lump sum"
    ONE = "H87", "piece (item)"
