from django.urls import path

from . import views

app_name = "pilots"
urlpatterns = [
    path("", views.pilot_list, name="list"),
    path("<int:pk>/", views.pilot_detail, name="detail"),
    path("<int:pk>/actions/<slug:name>/", views.pilot_action, name="action"),
    path("disqualification/", views.disqualification_list, name="disqualification_list"),
    path("disqualification/<int:pk>/", views.disqualification_detail, name="disqualification_detail"),
]
