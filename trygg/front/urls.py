from django.urls import path

from trygg.front import views

app_name = "front"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("administration/", views.administration, name="administration"),
]
