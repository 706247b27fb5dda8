from django.urls import path

from trygg.accounts import admin_pages
from trygg.accounts import areas as views

app_name = "places"
urlpatterns = [
    path("", views.area_list, name="list"),
    path("nytt/", admin_pages.area_create, name="create"),
    path("importera/", views.area_import, name="import"),
    path("<int:pk>/", views.area_detail, name="detail"),
    path("<int:pk>/andra/", admin_pages.area_edit, name="edit"),
]
