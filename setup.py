"""Package layout (everything else is in pyproject.toml).

The Avro schemas stay in the top-level `schemas/` folder, their single source of truth, and ship
inside the package as `pipelines._schemas` (package-dir mapping), so a plain `pip install .`
finds them; pipelines/schemas.py reads them from there. setup.py because setuptools' package
discovery in pyproject.toml cannot add a package that lives outside the package tree.
"""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["pipelines", "pipelines.*"]) + ["pipelines._schemas"],
    package_dir={"pipelines._schemas": "schemas"},
    package_data={"pipelines": ["nlp/data/*", "nlp/data/lang/*"], "pipelines._schemas": ["*.avsc"]},
)
