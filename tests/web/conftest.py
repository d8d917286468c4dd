import pytest


@pytest.fixture(autouse=True)
def plain_static_files(settings) -> None:
    # Tests run without collectstatic, so there is no manifest to look names up in.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
