"""A small declarative filter for list pages (GET parameters -> queryset), shared by the apps."""

from django import forms


class ListFilter(forms.Form):
    """Subclasses declare fields and implement `filter_<field>(queryset, value)`."""

    def __init__(self, data, queryset, *, user=None):
        super().__init__(data or None)
        self.user = user
        self._queryset = queryset

    @property
    def queryset(self):
        queryset = self._queryset
        if not self.is_bound or not self.is_valid():
            return queryset
        for name, value in self.cleaned_data.items():
            if value not in (None, "", [], ()):
                queryset = getattr(self, f"filter_{name}")(queryset, value)
        return queryset

    @property
    def active(self) -> bool:
        return self.is_bound and any(v for k, v in self.data.items() if k not in ("page", "export"))
