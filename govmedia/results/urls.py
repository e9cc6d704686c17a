from django.urls import path

from govmedia.results import bulletin_views, views

app_name = "results"

urlpatterns = [
    path("rectifications/", views.rectifications, name="rectifications"),
    path("rectifications/new/", views.rectification_new, name="rectification_new"),
    path("rectifications/<int:pk>/", views.rectification, name="rectification"),
    path("rectifications/<int:pk>/answer/", views.rectification_answer, name="rectification_answer"),
    path("rectifications/<int:pk>/decide/", views.rectification_decide, name="rectification_decide"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("notices/", views.notices, name="notices"),
    path("", views.dashboard, name="dashboard"),
    path("indices/", views.indices, name="indices"),
    path("cleanup/", views.cleanup, name="cleanup"),
    path("cleanup/<int:pk>/", views.cleanup_candidate, name="cleanup_candidate"),
    path("assessments/", views.assessments, name="assessments"),
    path("assessments/<int:pk>/", views.assessment, name="assessment"),
    path("assessments/<int:pk>/export/", views.assessment_export, name="assessment_export"),
]

urlpatterns += [
    path("bulletins/", bulletin_views.bulletins, name="bulletins"),
    path("bulletins/new/", bulletin_views.bulletin_new, name="bulletin_new"),
    path("bulletins/<int:pk>/", bulletin_views.bulletin, name="bulletin"),
    path("bulletins/<int:pk>/edit/", bulletin_views.bulletin_edit, name="bulletin_edit"),
    path("bulletins/<int:pk>/approve/", bulletin_views.bulletin_approve, name="bulletin_approve"),
    path("bulletins/<int:pk>/reopen/", bulletin_views.bulletin_reopen, name="bulletin_reopen"),
    path("bulletins/<int:pk>/publish/", bulletin_views.bulletin_publish, name="bulletin_publish"),
    path("bulletins/<int:pk>/docx/", bulletin_views.bulletin_docx, name="bulletin_docx"),
    path("bulletins/<int:pk>/pdf/", bulletin_views.bulletin_pdf, name="bulletin_pdf"),
    path("bulletins/<int:pk>/xlsx/", bulletin_views.bulletin_xlsx, name="bulletin_xlsx"),
    path("public/bulletins/", bulletin_views.public_bulletins, name="public_bulletins"),
    path("public/bulletins/<int:pk>/", bulletin_views.public_bulletin, name="public_bulletin"),
    path("public/bulletins/<int:pk>/pdf/", bulletin_views.public_bulletin_pdf, name="public_bulletin_pdf"),
]
