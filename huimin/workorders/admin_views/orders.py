"""Placeholder: filled in by the screens of this concept."""

urlpatterns = []
MENU = []
