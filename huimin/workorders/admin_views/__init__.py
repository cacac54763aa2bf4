"""The admin screens of 网站工单, one module per concept, each exporting `urlpatterns` and `MENU`
(see huimin.core.admin_menu)."""
