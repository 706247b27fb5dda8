from django.urls import path

from trygg.analysis import views

app_name = "analysis"
urlpatterns = [
    path("", views.analysis, name="index"),
    path("karta/", views.analysis_map, name="map"),
    path("nara-upprepningar/", views.near_repeat_page, name="near_repeats"),
    path("export/<slug:table>.<str:fmt>", views.export, name="export"),
]
