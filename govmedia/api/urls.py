from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from govmedia.api import views
from govmedia.filings.api import FilingViewSet

router = DefaultRouter()
router.register("units", views.UnitViewSet, basename="unit")
router.register("accounts", views.AccountViewSet, basename="account")
router.register("filings", FilingViewSet, basename="filing")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("", include(router.urls)),
]
