from django.contrib import admin
from django.urls import include, path

from govmedia.web.urls import auth_urlpatterns

admin.site.site_header = "govmedia 政务新媒体管理平台 · 系统管理"
admin.site.site_title = "govmedia 系统管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("govmedia.api.urls")),
    *auth_urlpatterns,
    path("riskcheck/", include("govmedia.riskcheck.urls")),
    path("review/", include("govmedia.review.urls")),
    path("filings/", include("govmedia.filings.urls")),
    path("content/", include("govmedia.content.urls")),
    path("supervision/", include("govmedia.supervision.urls")),
    path("interaction/", include("govmedia.interaction.urls")),
    path("dispatch/", include("govmedia.dispatch.urls")),
    path("security/", include("govmedia.security.urls")),
    path("results/", include("govmedia.results.urls")),
    path("", include("govmedia.web.urls")),
]
