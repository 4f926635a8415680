from oauth2_provider.oauth2_validators import OAuth2Validator

SUBJECT_PREFIX = "sxid-"


class PlatformValidator(OAuth2Validator):
    """The platform's own stable subject (not its database id) and an employee number claim."""

    oidc_claim_scope = None  # every claim in the ID token and userinfo, whatever the scope

    def get_claim_dict(self, request):
        claims = super().get_claim_dict(request)
        claims["sub"] = SUBJECT_PREFIX + request.user.username
        return claims

    def get_additional_claims(self, request):
        return {
            "name": request.user.get_full_name() or request.user.username,
            "employee_no": f"E{request.user.pk:06d}",
            "amr": ["pwd", "otp"] if request.user.username.endswith("-mfa") else ["pwd"],
        }
