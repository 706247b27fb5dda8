from django.urls import path

from trygg.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("ny/", views.report, name="report"),
    path("karta/", views.incident_map, name="map"),
    path("dubbletter/", views.duplicates, name="duplicates"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("mall.csv", views.template, {"fmt": "csv"}, name="template_csv"),
    path("mall.xlsx", views.template, {"fmt": "xlsx"}, name="template_xlsx"),
    path("importera/", views.import_file, name="import"),
    path("importera/<int:pk>/", views.import_job, name="import_job"),
    path("importera/<int:pk>/igen/", views.import_job_retry, name="import_job_retry"),
    path("importera/<int:pk>/status.json", views.import_job_status, name="import_job_status"),
    path("importera/<int:pk>/problem.csv", views.import_job_problems, name="import_job_problems"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/kvitto/", views.receipt, name="receipt"),
    path("kategorier/", views.category_list, name="category_list"),
    path("kategorier/ny/", views.category_create, name="category_create"),
    path("kategorier/<int:pk>/andra/", views.category_edit, name="category_edit"),
]
