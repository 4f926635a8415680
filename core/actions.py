"""The view side of running a service: turn its DomainError into a message, never a 500."""

from django.contrib import messages

from .errors import DomainError


def run(request, func, *, success: str, **kwargs) -> bool:
    try:
        func(**kwargs)
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True
