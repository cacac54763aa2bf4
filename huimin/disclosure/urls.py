"""The public URLs of 政府信息公开, under /zfxxgk/ on every site."""

from django.urls import path

from . import views

app_name = "disclosure"
urlpatterns: list = [
    path("", views.home, name="home"),
    path("fdzdgknr/", views.catalogue_view, name="catalogue"),
    path("ysqgk/", views.apply, name="apply"),
    path("ysqgk/queren/", views.confirm, name="confirm"),
    path("ysqgk/chaxun/", views.follow, name="follow"),
    path("ysqgk/chaxun/wenjian/<int:pk>/", views.download, name="file"),
]
