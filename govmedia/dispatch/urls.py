from django.urls import path

from govmedia.dispatch import views

app_name = "dispatch"

urlpatterns = [
    path("", views.directives, name="directives"),
    path("new/", views.directive_new, name="directive_new"),
    path("<int:pk>/", views.directive_detail, name="directive"),
    path("<int:pk>/attachment/", views.attachment, name="attachment"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
]
