"""Who a user is in the programme: their roles and the organisations / review units they act for.

Loaded once per user object (one query), then reused by every permission check of the request.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F

from .models import Membership, Role


@dataclass(frozen=True)
class Scope:
    roles: frozenset[str] = frozenset()
    organisations: dict[str, frozenset[int]] = field(default_factory=dict)  # role -> organisation ids
    review_units: frozenset[str] = frozenset()  # review units a city officer acts for

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    def orgs(self, role: str) -> frozenset[int]:
        return self.organisations.get(role, frozenset())


EMPTY = Scope()


def scope_of(user) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    roles: set[str] = set()
    orgs: dict[str, set[int]] = {}
    units: set[str] = set()
    for role, org_id, unit_id in Membership.objects.filter(user=user).values_list(
        "role", "organisation_id", "organisation__review_unit_id"
    ):
        roles.add(role)
        orgs.setdefault(role, set()).add(org_id)
        if role == Role.CITY_OFFICER and unit_id:
            units.add(unit_id)
    scope = Scope(
        roles=frozenset(roles),
        organisations={k: frozenset(v) for k, v in orgs.items()},
        review_units=frozenset(units),
    )
    user._portal_scope = scope
    return scope


def forget_scope(user) -> None:
    if hasattr(user, "_portal_scope"):
        del user._portal_scope


def is_provincial(user) -> bool:
    return scope_of(user).has(Role.PROVINCE_OFFICER)


def is_finance(user) -> bool:
    return scope_of(user).has(Role.FINANCE_OFFICER)


def is_drc(user) -> bool:
    return scope_of(user).has(Role.DRC_OFFICER)


def is_auditor(user) -> bool:
    """The security auditor: the security events and the audit trail, nothing else (security app)."""
    return scope_of(user).has(Role.AUDITOR)


def sees_internal_entries(user) -> bool:
    """Internal audit entries (deliberations before a joint decision): provincial ecology and finance
    officers only. Registered with core.audit by OrganisationsConfig.ready()."""
    return scope_of(user).has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER)


def users_with_role(role: str | Iterable[str], *, organisation=None, review_unit=None) -> list:
    """The active users holding `role` (or any of several roles), each once, in membership order.

    The one recipients helper: every notice and reminder finds its recipients here. `organisation`
    (an Organisation or its id) keeps the members of that organisation; `review_unit` (a ReviewUnit or
    its code) those of the organisations of that review unit (a city's officers). One query.
    """
    memberships = _active_memberships(role)
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    if review_unit is not None:
        memberships = memberships.filter(organisation__review_unit=review_unit)
    users = {m.user_id: m.user for m in memberships.select_related("user").order_by("pk")}
    return list(users.values())


def _active_memberships(role: str | Iterable[str]):
    return Membership.objects.filter(
        role__in=[role] if isinstance(role, str) else list(role), user__is_active=True
    )


def users_with_role_by(role: str | Iterable[str], *, organisations=None, review_units=None) -> dict:
    """The bulk form of `users_with_role` for a sweep over many pilots: {organisation id: [users]} for
    `organisations` (ids or objects), or {review unit code: [users]} for `review_units` (codes or
    objects); each list as `users_with_role(role, organisation=…)` / `(…, review_unit=…)` would give it.
    A key without users is absent. One query whatever the number of keys."""
    if (organisations is None) == (review_units is None):
        raise ValueError("give organisations or review_units")
    memberships = _active_memberships(role).select_related("user").order_by("pk")
    if organisations is not None:
        memberships = memberships.filter(organisation__in=organisations)
        key = "organisation_id"
    else:
        memberships = memberships.filter(organisation__review_unit__in=review_units).annotate(
            unit=F("organisation__review_unit_id")
        )
        key = "unit"
    grouped: dict = {}
    for m in memberships:
        grouped.setdefault(getattr(m, key), {}).setdefault(m.user_id, m.user)
    return {k: list(users.values()) for k, users in grouped.items()}


# Two-factor authentication is required for these roles (core.auth_middleware, docs/security.md).
TWO_FACTOR_ROLES = (Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER)


def requires_two_factor(user) -> bool:
    """Provincial ecology, finance and DRC officers and every staff user or superuser (the admin) must
    sign in with a second factor. Named by settings.PORTAL_2FA_REQUIRED_FOR, read by core."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or scope_of(user).has(*TWO_FACTOR_ROLES))
