"""Settings of the stricter floor's server (bench/burst.py, #20): the product's settings with
no middleware and the bare view's URLs only (bench/floor_bare.py). For the benchmark only."""

from uptake.settings import *  # noqa: F403

MIDDLEWARE: list[str] = []
ROOT_URLCONF = "floor_bare"
