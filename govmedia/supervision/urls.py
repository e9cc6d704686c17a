from django.urls import include, path
from rest_framework.routers import SimpleRouter

from govmedia.supervision import api, views

app_name = "supervision"

router = SimpleRouter()
router.register("inspections", api.InspectionViewSet, basename="inspection")
router.register("scores", api.AccountResultViewSet, basename="score")
router.register("findings", api.FindingViewSet, basename="finding")

urlpatterns = [
    path("", views.inspections, name="inspections"),
    path("new/", views.inspection_new, name="inspection_new"),
    path("<int:pk>/", views.inspection, name="inspection"),
    path("<int:pk>/publish/", views.inspection_publish, name="inspection_publish"),
    path("<int:pk>/rerun/", views.inspection_rerun, name="inspection_rerun"),
    path("<int:pk>/export/", views.inspection_export, name="inspection_export"),
    path("scores/<int:pk>/", views.score_card, name="score_card"),
    path("findings/", views.findings, name="findings"),
    path("findings/<int:pk>/", views.finding, name="finding"),
    path("warnings/", views.warnings, name="warnings"),
    path("api/", include(router.urls)),
]
