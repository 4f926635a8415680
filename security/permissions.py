from organisations.roles import is_auditor


def can_audit(user) -> bool:
    """The security events, the audit trail and the chain verification: the auditor role only."""
    return is_auditor(user)
