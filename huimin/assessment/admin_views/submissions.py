"""Placeholder: replaced by the screens of this concept."""

urlpatterns = []
MENU = []
