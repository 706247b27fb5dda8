"""A ModelAdmin mixin that lets coordinators use Django admin within their scope.

Django admin normally asks for model permissions; Trygg's rules are the permission helpers in
each app's ``permissions`` module, so the admin asks them instead. Superusers see everything.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from trygg.accounts.models import Role
from trygg.accounts.scope import scope_for


def is_coordinator(request: HttpRequest) -> bool:
    return request.user.is_active and scope_for(request.user).has_role(Role.SAMORDNARE)


class ScopedAdminMixin:
    """Subclasses define ``scoped_queryset`` and ``can_change_object``."""

    def scoped_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        raise NotImplementedError

    def can_change_object(self, request: HttpRequest, obj: Model) -> bool:
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)  # type: ignore[misc]  # a ModelAdmin mixin
        if request.user.is_superuser:
            return queryset
        return self.scoped_queryset(request, queryset)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or is_coordinator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if request.user.is_superuser:
            return True
        if not is_coordinator(request):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if request.user.is_superuser:
            return True
        if not is_coordinator(request):
            return False
        return obj is None or self.can_change_object(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return request.user.is_superuser or is_coordinator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj)
