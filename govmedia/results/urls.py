from django.urls import path

from govmedia.results import views

app_name = "results"

urlpatterns = [
    path("rectifications/", views.rectifications, name="rectifications"),
    path("rectifications/new/", views.rectification_new, name="rectification_new"),
    path("rectifications/<int:pk>/", views.rectification, name="rectification"),
    path("rectifications/<int:pk>/answer/", views.rectification_answer, name="rectification_answer"),
    path("rectifications/<int:pk>/decide/", views.rectification_decide, name="rectification_decide"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("notices/", views.notices, name="notices"),
]
