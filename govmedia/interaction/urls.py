from django.urls import path

from govmedia.interaction import views

app_name = "interaction"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("forwarded/", views.forwarded, name="forwarded"),
    path("report/", views.report, name="report"),
    path("notifications/", views.notifications, name="notifications"),
    path("rules/", views.rules, name="rules"),
    path("answers/", views.answers, name="answers"),
    path("answers/new/", views.answer_new, name="answer_new"),
    path("answers/<int:pk>/", views.answer_edit, name="answer"),
    path("wechat/<str:token>/", views.wechat_push, name="wechat_push"),
]
