from django.contrib.auth import views as auth_views
from django.urls import path

from govmedia.web import account_views, views

app_name = "web"

urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("accounts/new/", views.account_edit, name="account_new"),
    path("accounts/<int:pk>/", views.account_detail, name="account"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="account_edit"),
    path("accounts/<int:pk>/qr.png", views.account_qr, name="account_qr"),
    path("units/", views.units, name="units"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("units/new/", views.unit_edit, name="unit_new"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("public/", views.public_matrix, name="public_matrix"),
    path("public/<int:pk>/qr.png", views.public_qr, name="public_qr"),
    path("import/", views.import_page, name="import"),
    path("export/<str:kind>/", views.export, name="export"),
    path("templates/<str:kind>.xlsx", views.template_download, name="template"),
    path("audit/", views.audit_log, name="audit"),
    path("healthz", views.healthz, name="healthz"),
]

auth_urlpatterns = [
    path("account/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("account/otp/setup/", account_views.otp_setup, name="otp_setup"),
    path("login/otp/", account_views.otp_verify, name="otp_verify"),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
