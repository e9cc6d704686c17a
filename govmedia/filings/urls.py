from django.urls import path

from govmedia.filings import views

app_name = "filings"

urlpatterns = [
    path("", views.filing_list, name="list"),
    path("waiting/", views.waiting, name="waiting"),
    path("new/<str:kind>/", views.filing_new, name="new"),
    path("report/", views.lifecycle_report, name="report"),
    path("<int:pk>/", views.filing_detail, name="detail"),
    path("<int:pk>/edit/", views.filing_edit, name="edit"),
    path("<int:pk>/submit/", views.filing_submit, name="submit"),
    path("<int:pk>/withdraw/", views.filing_withdraw, name="withdraw"),
    path("<int:pk>/registered/", views.filing_registered, name="registered"),
    path("<int:pk>/form.docx", views.filing_docx, name="docx"),
    path("<int:pk>/form.pdf", views.filing_pdf, name="pdf"),
    path("<int:pk>/notice.docx", views.notice_docx, name="notice"),
    path("steps/<int:pk>/decide/", views.step_decide, name="decide"),
]
