"""The one part of the packaging that pyproject.toml cannot say: the top-level migrations/ and
seed/ folders are shipped inside the package as `app.migrations` and `app.seed`, so that an
installed Rehearse (editable or not) finds them with importlib.resources."""

from setuptools import find_packages, setup

SHIPPED = {"app.migrations": "migrations", "app.seed": "seed"}

setup(packages=[*find_packages(include=["app", "app.*"]), *SHIPPED], package_dir=SHIPPED)
