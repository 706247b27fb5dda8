from django.urls import path

from trygg.accounts import areas as views

app_name = "places"
urlpatterns = [
    path("", views.area_list, name="list"),
    path("importera/", views.area_import, name="import"),
    path("<int:pk>/", views.area_detail, name="detail"),
]
