"""The one error type services raise; views turn it into a message for the user."""


class DomainError(Exception):
    """A rule of the programme refused the action. `message` is shown to the user as is."""

    def __init__(self, message: str, *, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class ActionNotPermitted(DomainError):
    def __init__(self, message: str = "您没有执行此操作的权限。") -> None:
        super().__init__(message, code="forbidden")


class TransitionRefused(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="state")
