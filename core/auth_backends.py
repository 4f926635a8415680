from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for every authentication that comes with its request (the login
    forms). A call without one (a management command, Client.login in tests) has no address to check
    and is left to the next backends, as it was before the lockout existed."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
