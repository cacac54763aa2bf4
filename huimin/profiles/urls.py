from django.urls import path

from . import views

app_name = "profiles"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("consent/", views.consent, name="consent"),
    path("correct/", views.correct, name="correct"),
    path("clear/", views.clear, name="clear"),
    path("beacon/", views.beacon, name="beacon"),
]
