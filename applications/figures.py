"""How the application's figures are written, per unit: the one owner of number formatting for the
web pages (template filter `figure`, form inputs) and the Annex 1 PDF alike.

documents.md: money in 万元 with two decimals; energy in 吨标准煤 and emissions in 吨二氧化碳 with two;
intensities with four; rates as percentages with one or two decimals; thousands separated. Inputs accept
what officials type ("12,345.6", "12，345.6", "12 345.6") and show their value back the same way.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms

# unit -> (fewest decimals shown, most decimals shown)
UNITS: dict[str, tuple[int, int]] = {
    "money": (2, 2),  # 万元, 亿元
    "tce": (2, 2),  # 吨标准煤
    "co2": (2, 2),  # 吨二氧化碳
    "quantity": (2, 2),  # physical quantities (吨, 万立方米, 万千瓦时, 吉焦); inputs keep stored digits
    "area": (2, 2),  # 平方千米
    "capacity": (2, 2),  # 兆瓦
    "percent": (1, 2),  # %, the sign is in the label
    "intensity": (4, 4),  # 吨二氧化碳/万元, 吨标准煤/万元
    "factor": (4, 4),  # 吨二氧化碳/计量单位
    "count": (0, 0),
}
SEPARATORS = (",", "，", " ", "\u00a0", "\u3000", "_")


def to_decimal(value) -> Decimal | None:
    """A number from a value, a stored string or what a person typed; None when it is not one."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    text = str(value).strip()
    for separator in SEPARATORS:
        text = text.replace(separator, "")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def grouped(number: Decimal, min_places: int, max_places: int) -> str:
    """Round to `max_places`, drop trailing zeros down to `min_places`, separate thousands."""
    number = number.quantize(Decimal(1).scaleb(-max_places), rounding=ROUND_HALF_UP)
    places = max_places
    while places > min_places and number == number.quantize(Decimal(1).scaleb(-(places - 1))):
        places -= 1
    return f"{number:,.{places}f}"


def figure(value, unit: str = "money") -> str:
    """`value` written for `unit` (see UNITS); blank stays blank, text that is no number is kept."""
    number = to_decimal(value)
    if number is None:
        return "" if value is None else str(value)
    return grouped(number, *UNITS[unit])


def fmt(value, places: int | None = None, min_places: int = 0) -> str:
    """Thousands-separated number with `places` decimals, or the value's own (at least `min_places`).
    For figures whose unit is not known (a target's unit comes with its indicator)."""
    number = to_decimal(value)
    if number is None:
        return "" if value is None else str(value)
    if places is None:
        exponent = number.normalize().as_tuple().exponent
        places = max(-exponent if isinstance(exponent, int) and exponent < 0 else 0, min_places)
    return f"{number:,.{places}f}"


def unit_of_label(label: str) -> str:
    """The unit of a field or indicator from its label, e.g. '总投资（万元）' -> money."""
    label = str(label)
    for marker, unit in (
        ("%", "percent"),
        ("/万元", "intensity"),
        ("/吨标准煤", "intensity"),
        ("吨CO₂/", "intensity"),
        ("万元", "money"),
        ("亿元", "money"),
        ("吨标准煤", "tce"),
        ("二氧化碳", "co2"),
        ("兆瓦", "capacity"),
        ("平方千米", "area"),
    ):
        if marker in label:
            return unit
    return "quantity"


class FigureInput(forms.TextInput):
    """A text input for numbers (a number input cannot show separators); shows 12,345.60."""

    def __init__(self, attrs=None, unit: str = "quantity", places: int | None = None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", "class": "figure", **(attrs or {})})
        self.unit, self.places = unit, places

    def format_value(self, value):
        number = to_decimal(value)
        if number is None:
            return None if value in (None, "") else str(value)  # what was typed, shown back as typed
        low, high = UNITS[self.unit]
        if self.places is not None:
            # Never hide a stored digit: up to the field's own decimals.
            high = max(high, self.places)
            low = min(low, self.places)
        return grouped(number, low, high)


class FigureField(forms.DecimalField):
    """A DecimalField that accepts thousands separators and shows them."""

    widget = FigureInput

    def __init__(self, *args, unit: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        unit = unit or unit_of_label(self.label or "")
        self.widget = FigureInput(attrs=self.widget.attrs, unit=unit, places=self.decimal_places)

    def to_python(self, value):
        if isinstance(value, str):
            number = to_decimal(value)
            if number is not None:
                value = format(number, "f")
        return super().to_python(value)


def figure_field(field: forms.DecimalField) -> FigureField:
    """The same field (a model form's DecimalField) as a FigureField."""
    return FigureField(
        max_digits=field.max_digits,
        decimal_places=field.decimal_places,
        min_value=field.min_value,
        max_value=field.max_value,
        required=field.required,
        label=field.label,
        help_text=field.help_text,
        initial=field.initial,
    )
