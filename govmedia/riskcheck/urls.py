from django.urls import path

from govmedia.riskcheck import views

app_name = "riskcheck"

urlpatterns = [path("", views.check_page, name="check")]
