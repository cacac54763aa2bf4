"""The public URLs of 政府信息公开, under /zfxxgk/ on every site."""

from django.urls import path

app_name = "disclosure"
urlpatterns: list = []
