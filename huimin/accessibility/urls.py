from django.urls import path

from . import views

app_name = "accessibility"
urlpatterns = [path("<str:mode>/", views.switch_mode, name="mode")]
