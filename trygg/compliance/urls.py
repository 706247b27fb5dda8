from django.urls import path

from trygg.compliance import views

app_name = "compliance"
urlpatterns = [
    path("", views.checklist_page, name="checklist"),
]
