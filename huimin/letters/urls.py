from django.urls import path

from . import disclosure, views

urlpatterns = [
    path("", views.write, name="letter_write"),
    path("queren/", views.confirm, name="letter_confirm"),
    path("chaxun/", views.follow, name="letter_follow"),
    path("chaxun/fujian/<int:pk>/", views.attachment, name="letter_attachment"),
    path("gongkai/", disclosure.published_letters, name="letter_published"),
    path("tongji/", disclosure.statistics, name="letter_statistics"),
]
