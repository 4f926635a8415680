"""The auditor sees nothing else: a signed-in holder of the auditor role reaches the audit pages, their
own dashboard and inbox, the public pages and their account's pages; anything else answers 404, as an
object outside a user's scope does. Give the role to a dedicated account (等保: 审计管理员 apart from the
system administrator and the business users)."""

from core.security import deny_section

from .permissions import can_audit

# Namespaces and URL names the auditor may reach. A new page for every signed-in user (2FA set-up,
# password change) must be added here to be reachable by the auditor.
ALLOWED_NAMESPACES = {"security", "dashboard", "core", "publicity"}
ALLOWED_NAMES = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "otp_setup",  # a privileged auditor's second factor (core.auth_urls)
    "otp_verify",
    "session_status",
    "set_language",
    "publicity:pilot_list",
    # the public showcase (showcase.views_public); its officer pages stay closed
    "showcase:index",
    "showcase:city",
    "showcase:pilot",
    "showcase:case_photo",
}


class AuditorConfinementMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not can_audit(user):
            return None
        match = request.resolver_match
        if match is None:
            return None
        if match.namespace in ALLOWED_NAMESPACES or match.view_name in ALLOWED_NAMES:
            return None
        deny_section("security.auditor_confinement")
