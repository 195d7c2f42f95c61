"""Settings of the burst's floor server (bench/burst.py): the product's, with the floor's URLs.

Served by gunicorn with ``--pythonpath bench`` and DJANGO_SETTINGS_MODULE=floor_settings, for the
length of the benchmark only; the product's own URLconf (uptake/urls.py) never has the floor.
"""

from uptake.settings import *  # noqa: F403

ROOT_URLCONF = "floor"
