from django.urls import path

from trygg.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("logg/", views.audit_log, name="audit_log"),
    path("<int:pk>/", views.organisation_detail, name="organisation_detail"),
]
