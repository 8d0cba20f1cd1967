from django.urls import path

from contributions import views

urlpatterns = [
    path("", views.contribute_view, name="contribute"),
    path("thanks/", views.thanks_view, name="contribute_thanks"),
]
