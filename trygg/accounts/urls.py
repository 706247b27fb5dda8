from django.urls import path

from trygg.accounts import admin_pages, views

app_name = "accounts"
urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("ny/", admin_pages.organisation_create, name="organisation_create"),
    path("logg/", views.audit_log, name="audit_log"),
    path("<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("<int:pk>/andra/", admin_pages.organisation_edit, name="organisation_edit"),
    path("anvandare/", admin_pages.user_list, name="user_list"),
    path("anvandare/bjud-in/", admin_pages.invite, name="invite"),
    path("anvandare/<int:pk>/", admin_pages.user_detail, name="user_detail"),
    path("anvandare/<int:pk>/inaktivera/", admin_pages.user_deactivate, name="user_deactivate"),
    path("anvandare/<int:pk>/bjud-in-igen/", admin_pages.user_reinvite, name="user_reinvite"),
    path("medlemskap/<int:pk>/andra/", admin_pages.membership_edit, name="membership_edit"),
    path("medlemskap/<int:pk>/avsluta/", admin_pages.membership_end, name="membership_end"),
]
