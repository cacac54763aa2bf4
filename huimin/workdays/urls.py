from django.urls import path

from . import views

urlpatterns = [path("deadline/", views.deadline_calculator, name="deadline_calculator")]
