class ReadOnlyAdminMixin:
    """Business records change only through the portal's services (permission, guard, audit); the
    admin may look at them but not edit, add or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
