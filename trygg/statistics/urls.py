from django.urls import path

from trygg.statistics import views

app_name = "statistics"
urlpatterns = [
    path("", views.series_list, name="list"),
    path("importera/", views.import_file, name="import"),
    path("mall.csv", views.template, {"fmt": "csv"}, name="template_csv"),
    path("mall.xlsx", views.template, {"fmt": "xlsx"}, name="template_xlsx"),
    path("<int:pk>/", views.series_detail, name="detail"),
    path("<int:pk>/export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("<int:pk>/export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
]
