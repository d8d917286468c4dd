app_name = "crm"
urlpatterns: list[object] = []
