from django.urls import path

from govmedia.content import views

app_name = "content"

urlpatterns = [
    path("connections/", views.connections, name="connections"),
    path("accounts/<int:pk>/posts/", views.account_posts, name="account_posts"),
    path("accounts/<int:pk>/messages/", views.account_messages, name="account_messages"),
]
