from django.urls import path

from trygg.plans import downloads, views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("ny/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/andra/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/besluta/", views.plan_decide, name="plan_decide"),
    path("<int:pk>/export.<str:fmt>", downloads.plan_export, name="plan_export"),
    path("<int:pk>/problem/ny/", views.problem_create, name="problem_create"),
    path("<int:pk>/atgard/ny/", views.measure_create, name="measure_create"),
    path("problem/<int:pk>/", views.problem_detail, name="problem_detail"),
    path("problem/<int:pk>/andra/", views.problem_edit, name="problem_edit"),
    path("atgard/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("atgard/<int:pk>/andra/", views.measure_edit, name="measure_edit"),
    path("uppfoljning/<int:pk>/", views.follow_up_edit, name="follow_up_edit"),
    path("uppfoljning/<int:pk>/ta-bort/", views.follow_up_delete, name="follow_up_delete"),
    path("atgard/<int:pk>/indikator/", views.indicator_edit, name="indicator_edit"),
    path("atgard/<int:pk>/indikator/ta-bort/", views.indicator_delete, name="indicator_delete"),
    path("orsak/<int:pk>/andra/", views.cause_edit, name="cause_edit"),
    path("orsak/<int:pk>/ta-bort/", views.cause_delete, name="cause_delete"),
    path("underlag/<int:pk>/andra/", views.evidence_edit, name="evidence_edit"),
    path("underlag/<int:pk>/ta-bort/", views.evidence_delete, name="evidence_delete"),
]
