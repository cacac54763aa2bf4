from django.urls import path

from . import views

urlpatterns = [
    path("", views.write, name="letter_write"),
    path("chaxun/", views.follow, name="letter_follow"),
]
