"""A plain (non-editable) install works: the wheel carries the schemas and data tables.

Builds the wheel from a copy of the source (no build isolation, so no network), installs it with
--no-deps into a fresh venv whose dependencies come from the current environment's
site-packages (added by a .pth file, which does not bring the editable install of the checkout
along), and loads every schema and label table from outside the source tree.
"""

import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from tests.integration.streaming import REPO

pytestmark = pytest.mark.integration


def test_wheel_installs_and_loads_every_schema_without_the_checkout(tmp_path):
    source = tmp_path / "source"
    for name in ("pipelines", "schemas"):
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "setup.py"):
        shutil.copy(REPO / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w",
                    str(tmp_path / "dist"), str(source)], check=True, timeout=600)
    (wheel,) = (tmp_path / "dist").glob("eventwire-*.whl")

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "shared-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True, timeout=600)

    shutil.rmtree(source)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    check = textwrap.dedent("""
        import json, pathlib
        import pipelines, pipelines.schemas as schemas
        from pipelines.nlp import coder, knowledge, labels
        knowledge.coder_knowledge("en")  # the coder's ontology and language files (nlp/data/lang/)
        lexicon = coder.load_lexicon()
        names = sorted(path.stem for path in schemas.SCHEMA_DIR.glob("*.avsc"))
        print(json.dumps({"package": pipelines.__file__, "schema_dir": str(schemas.SCHEMA_DIR), "names": names,
                          "full_names": [schemas.full_name(name) for name in names],
                          "label": labels.cameo_description("057"), "lexicon_verbs": len(lexicon.verbs)}))
    """)
    result = subprocess.run([str(python), "-c", check], cwd=elsewhere, check=True, capture_output=True, text=True,
                            timeout=300, env={"PATH": "/usr/bin:/bin"})
    loaded = __import__("json").loads(result.stdout.strip().splitlines()[-1])
    assert loaded["package"].startswith(str(site)), "the installed wheel, not the checkout, was imported"
    assert loaded["schema_dir"] == str(site / "pipelines" / "_schemas")
    assert loaded["names"] == sorted(path.stem for path in (REPO / "schemas").glob("*.avsc"))
    assert all(name.startswith("io.eventwire.") for name in loaded["full_names"])
    assert loaded["label"] == "Sign formal agreement"
    assert loaded["lexicon_verbs"] > 100
    for path in (REPO / "schemas").glob("*.avsc"):
        assert (site / "pipelines" / "_schemas" / path.name).read_bytes() == path.read_bytes()
