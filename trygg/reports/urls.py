from django.urls import path

from trygg.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("ny/", views.report_create, name="create"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/andra/", views.report_edit, name="edit"),
    path("<int:pk>/block/ny/", views.block_add, name="block_add"),
    path("<int:pk>/block/<int:block_pk>/", views.block_edit, name="block_edit"),
    path("<int:pk>/block/<int:block_pk>/flytta/", views.block_move, name="block_move"),
    path("<int:pk>/block/<int:block_pk>/ta-bort/", views.block_delete, name="block_delete"),
    path("<int:pk>/block/<int:block_pk>/kommentar/", views.comment, name="comment"),
    path("<int:pk>/block/<int:block_pk>/aterstall/", views.block_restore, name="block_restore"),
    path("<int:pk>/kommentar/<int:comment_pk>/", views.comment_edit, name="comment_edit"),
    path(
        "<int:pk>/kommentar/<int:comment_pk>/ta-bort/",
        views.comment_delete,
        name="comment_delete",
    ),
    path(
        "<int:pk>/kommentar/<int:comment_pk>/aterstall/",
        views.comment_restore,
        name="comment_restore",
    ),
    path("<int:pk>/remiss/", views.submit, name="submit"),
    path("<int:pk>/godkann/", views.approve, name="approve"),
    path("<int:pk>/ny-version/", views.new_version, name="new_version"),
    path("<int:pk>/versioner/", views.versions, name="versions"),
    path("<int:pk>/export.<str:fmt>", views.export, name="export"),
    path("<int:pk>/export/<int:job_pk>/", views.export_job, name="export_job"),
    path(
        "<int:pk>/export/<int:job_pk>/status.json",
        views.export_job_status,
        name="export_job_status",
    ),
    path("<int:pk>/export/<int:job_pk>/igen/", views.export_job_retry, name="export_job_retry"),
    path("<int:pk>/export/<int:job_pk>/fil", views.export_job_file, name="export_job_file"),
]
