"""The wheel carries everything: built, installed into a fresh venv, `lakestream nodes` runs from there."""

from __future__ import annotations

import ast
import json
import os
import site
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# the child venv imports only what is installed in it or behind it: a PYTHONPATH (a worktree) would shadow the wheel
CHILD_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}


# Modules only the goldens, docs generation and tests use: the golden-file and reference generator, the sample
# pipelines around each node type, the node reference renderer. (ui/samples.py is product code: the help panel
# shows each node's example with its generated code.)
TEST_TOOLING = {"lakestream/codegen/golden.py", "lakestream/codegen/samples.py", "lakestream/node_reference.py"}
TOOLING_MODULES = {name.removesuffix(".py").replace("/", ".") for name in TEST_TOOLING}


def _imported(source: bytes) -> set[str]:
    """The absolute module names a file imports (`from a import b` counts a.b too, b may be a module)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _see_our_dependencies(python: Path) -> None:
    """Put the running interpreter's site-packages (an activated venv's, not only the base's) behind the child's own.

    Plain path lines in a .pth file are appended to sys.path without processing the .pth files found there, so
    the editable install of lakestream in the parent cannot shadow the wheel installed into the child.
    """
    ours = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *site.getsitepackages()])
    child = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                           check=True, capture_output=True, text=True, env=CHILD_ENV).stdout.strip()
    Path(child, "lakestream-test-parent.pth").write_text("".join(f"{path}\n" for path in ours))


def test_wheel_installs_and_runs(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )
    [wheel] = tmp_path.glob("lakestream-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "lakestream/nodes/sources/kafka_source.py" in names
    assert any(n.startswith("lakestream/_templates/") for n in names), "templates must ship in the wheel"
    assert "lakestream/ui/canvas/dist/index.js" in names and "lakestream/ui/canvas/flow_canvas.js" in names
    assert not any("node_modules" in n or "/canvas/build/" in n for n in names)
    assert not TEST_TOOLING & set(names), "test tooling stays out of the wheel"
    with zipfile.ZipFile(wheel) as archive:
        users = {name: sorted(_imported(archive.read(name)) & TOOLING_MODULES)
                 for name in names if name.endswith(".py")}
    assert {name: found for name, found in users.items() if found} == {}, "the wheel imports test tooling"

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    _see_our_dependencies(python)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
                   check=True, capture_output=True)
    where = subprocess.run([str(python), "-c", "import lakestream; print(lakestream.__file__)"],
                           check=True, capture_output=True, text=True, cwd=tmp_path, env=CHILD_ENV).stdout
    assert str(env_dir) in where, f"imported {where} instead of the installed wheel"
    gallery = subprocess.run([str(python), "-c", "from lakestream.gallery import list_templates, templates_folder; "
                              "print(templates_folder()); print(len(list_templates()))"],
                             check=True, capture_output=True, text=True, cwd=tmp_path, env=CHILD_ENV).stdout.split()
    assert gallery[0].startswith(str(env_dir)) and gallery[0].endswith("lakestream/_templates") and int(gallery[1]) > 0
    result = subprocess.run([str(env_dir / "bin" / "lakestream"), "nodes", "--json"],
                            check=True, capture_output=True, text=True, cwd=tmp_path, env=CHILD_ENV)
    entries = json.loads(result.stdout)
    assert {e["category"] for e in entries} == {"source", "pattern", "transform", "sink"}
