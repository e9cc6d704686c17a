from django.urls import path

from govmedia.review import views

app_name = "review"

urlpatterns = [
    path("", views.drafts, name="drafts"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.notices_read, name="notices_read"),
    path("new/", views.new, name="new"),
    path("check/", views.live_check, name="live_check"),
    path("register/", views.register, name="register"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/attachments/", views.upload, name="upload"),
    path("flags/<int:pk>/dismiss/", views.dismiss, name="dismiss"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment"),
    path("attachments/<int:pk>/delete/", views.remove_attachment, name="remove_attachment"),
]
