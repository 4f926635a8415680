from django.conf import settings
from django.utils.translation import gettext, gettext_noop

from organisations.roles import scope_of

from .selectors import menu_for

gettext_noop("陕西省低碳近零碳试点示范建设管理平台")  # settings.PORTAL_NAME, translated for display


def portal(request):
    user = getattr(request, "user", None)
    context = {
        "PORTAL_NAME": gettext(settings.PORTAL_NAME),
        "portal_scope": None,
        "unread_count": 0,
        "portal_menu": [],
    }
    if user is not None and user.is_authenticated:
        context["portal_scope"] = scope_of(user)
        menu = menu_for(user)
        for item in menu:  # the section the page belongs to, for aria-current
            item.current = request.path.startswith(item.url)
        context["portal_menu"] = menu
        # Lazy: only templates that show the badge pay for the query.
        context["unread_count"] = lambda: user.notifications.filter(read_at__isnull=True).count()
    return context
