from django.urls import path

from govmedia.content import api, views

app_name = "content"

urlpatterns = [
    path("connections/", views.connections, name="connections"),
    path("accounts/<int:pk>/posts/", views.account_posts, name="account_posts"),
    path("accounts/<int:pk>/messages/", views.account_messages, name="account_messages"),
    path("accounts/<int:pk>/credentials/", views.account_credentials, name="credentials"),
    path("api/ingest/posts", api.IngestPostsView.as_view(), name="ingest_posts"),
    path("api/ingest/messages", api.IngestMessagesView.as_view(), name="ingest_messages"),
]
