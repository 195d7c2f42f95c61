"""Project-wide pytest set-up."""


def pytest_configure(config):
    from django.conf import settings

    # Tests log people in hundreds of times; the production hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
