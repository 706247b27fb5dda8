from django.urls import path

from trygg.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.category_list, name="category_list"),
]
