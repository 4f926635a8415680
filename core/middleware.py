from django.conf import settings
from django.utils import translation

from .text import without_control_characters


class ChineseFirstLocaleMiddleware:
    """Chinese unless the user chose otherwise (language cookie); the browser's Accept-Language is
    ignored because officials' machines are often set to English while they expect a Chinese portal."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # For this request only: the thread goes back to its language afterwards, so code that runs
        # outside a request (tasks in-process, tests) is never left in the last visitor's language.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class CleanInputMiddleware:
    """Removes control characters (NUL first of all) from every submitted value before any view reads it:
    a NUL in a reason made PostgreSQL refuse the row (a 500, the text lost). Files are untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name in ("GET", "POST"):
            data = getattr(request, name) if name == "GET" or request.method == "POST" else None
            if data and any(_has_control(v) for values in data.lists() for v in values[1]):
                cleaned = data.copy()
                for key, values in data.lists():
                    cleaned.setlist(key, [without_control_characters(v) for v in values])
                cleaned._mutable = False
                setattr(request, name, cleaned)
        return self.get_response(request)


def _has_control(value) -> bool:
    return isinstance(value, str) and without_control_characters(value) != value


# Browser features the portal never uses, denied to it and to anything it might embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicyMiddleware:
    """Sets Permissions-Policy on every response (Django sets the other security headers: X-Frame-Options,
    Referrer-Policy, X-Content-Type-Options, Cross-Origin-Opener-Policy; django-csp the CSP)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
