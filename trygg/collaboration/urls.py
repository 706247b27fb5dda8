from django.urls import path

from trygg.collaboration import downloads, views

app_name = "collaboration"
urlpatterns = [
    path("", views.index, name="index"),
    path("overenskommelser/", views.agreement_list, name="agreement_list"),
    path("overenskommelser/ny/", views.agreement_create, name="agreement_create"),
    path("overenskommelser/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("overenskommelser/<int:pk>/andra/", views.agreement_edit, name="agreement_edit"),
    path(
        "overenskommelser/<int:pk>/dokument/<int:document_pk>/",
        views.document,
        name="document",
    ),
    path(
        "overenskommelser/<int:pk>/dokument/<int:document_pk>/ta-bort/",
        views.document_delete,
        name="document_delete",
    ),
    path("medborgarloften/", views.promise_list, name="promise_list"),
    path("medborgarloften/ny/", views.promise_create, name="promise_create"),
    path("medborgarloften/<int:pk>/", views.promise_detail, name="promise_detail"),
    path("medborgarloften/<int:pk>/andra/", views.promise_edit, name="promise_edit"),
    path("forum/", views.forum_list, name="forum_list"),
    path("forum/nytt/", views.forum_create, name="forum_create"),
    path("forum/<int:pk>/", views.forum_detail, name="forum_detail"),
    path("forum/<int:pk>/andra/", views.forum_edit, name="forum_edit"),
    path("forum/<int:forum_pk>/nytt-mote/", views.meeting_create, name="meeting_create"),
    path("moten/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("moten/<int:pk>/andra/", views.meeting_edit, name="meeting_edit"),
    path("moten/<int:pk>/protokoll/", views.meeting_minutes, name="meeting_minutes"),
    path("moten/<int:pk>/kalender.ics", views.meeting_ics, name="meeting_ics"),
    path(
        "moten/<int:pk>/<str:kind>.<str:fmt>",
        downloads.meeting_export,
        name="meeting_export",
    ),
    path("atgardspunkter/<int:pk>/klar/", views.action_item_done, name="action_item_done"),
    path("kalender/", views.calendar_settings, name="calendar"),
    path("kalender/<str:secret>.ics", views.calendar_feed, name="calendar_feed"),
]
