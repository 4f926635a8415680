"""The one error type services raise; views turn it into a message for the user."""

from django.utils.translation import gettext_lazy


class DomainError(Exception):
    """A rule of the programme refused the action. `message` is shown to the user as is, in the language
    active when it was raised (a lazy translation, e.g. a guard's refusal, is resolved here)."""

    def __init__(self, message: str, *, code: str = "refused") -> None:
        message = str(message)
        super().__init__(message)
        self.message = message
        self.code = code


class ActionNotPermitted(DomainError):
    def __init__(self, message: str = gettext_lazy("您没有执行此操作的权限。")) -> None:
        super().__init__(message, code="forbidden")


class TransitionRefused(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="state")
