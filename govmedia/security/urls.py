from django.urls import path

from govmedia.security import views

app_name = "security"

urlpatterns = [
    path("", views.register, name="register"),
    path("accounts/<int:pk>/", views.account_register, name="account"),
    path("duty/", views.duty, name="duty"),
    path("incidents/", views.incidents, name="incidents"),
    path("incidents/new/", views.incident_new, name="incident_new"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident"),
]
