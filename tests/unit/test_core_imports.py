"""The headless core must never import streamlit: import every core module in a fresh
interpreter where importing streamlit fails, and check it never got loaded."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import playground

ROOT = Path(__file__).resolve().parents[2]

CHECK = r"""
import importlib, importlib.abc, sys

class BlockStreamlit(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "streamlit" or name.startswith("streamlit."):
            raise ImportError(f"the headless core imported {name}")
        return None

sys.meta_path.insert(0, BlockStreamlit())
for name in sys.argv[1:]:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m == "streamlit" or m.startswith("streamlit."))
assert not loaded, loaded
print(len(sys.argv) - 1, "modules imported")
"""


def core_modules():
    names = []
    for info in pkgutil.walk_packages(playground.__path__, "playground."):
        if info.name == "playground.ui" or info.name.startswith("playground.ui."):
            continue
        names.append(info.name)
    return names


def test_core_modules_import_without_streamlit():
    names = core_modules()
    assert "playground.trainer" in names and "playground.cli" in names
    result = subprocess.run([sys.executable, "-c", CHECK, *names], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"{len(names)} modules imported" in result.stdout
