"""A URLconf for the filings API tests: the project's, plus the unmounted FilingViewSet."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from govmedia.filings.api import FilingViewSet
from govmedia.urls import urlpatterns as project_urlpatterns

router = DefaultRouter()
router.register("filings", FilingViewSet, basename="filing")

urlpatterns = [path("filings-api/", include(router.urls)), *project_urlpatterns]
