"""The typed public API: the stub ``sikernel/__init__.pyi`` is the one list of top-level names.

Checked here: the run-time namespace (``lazy_loader.attach_stub`` over the stub) and the
stub agree; every public name resolves; every public subpackage is reachable as an
attribute; ``import sikernel`` stays light (no Numba kernel, numba, h5py, matplotlib,
dask or scikit-rf); mypy, reading the stub, sees the public names with their real types;
the wheel ships the stub and ``py.typed`` (PEP 561).
"""

from __future__ import annotations

import ast
import fnmatch
import pkgutil
import subprocess
import sys
import tomllib

import pytest

import sikernel

from .conftest import REPO

STUB = REPO / "sikernel" / "__init__.pyi"
HEAVY = ("numba", "h5py", "matplotlib", "dask", "distributed", "skrf", "scipy")
#: top-level modules that are not part of the library API: the command line and ``python -m``
NOT_API = {"cli", "__main__"}


def _stub_tree() -> ast.Module:
    return ast.parse(STUB.read_text())


def _stub_imported_names() -> set[str]:
    names = set()
    for node in ast.walk(_stub_tree()):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                # PEP 484 re-export form: ``from .x import y as y`` (otherwise mypy hides y)
                assert alias.asname == alias.name, f"stub: write 'import {alias.name} as {alias.name}'"
                names.add(alias.name)
    return names


def _stub_all() -> list[str]:
    for node in _stub_tree().body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise AssertionError("the stub has no __all__")


def test_stub_all_matches_its_imports_and_the_runtime():
    stub_all = _stub_all()
    assert len(stub_all) == len(set(stub_all)), "duplicate names in the stub's __all__"
    assert set(stub_all) == _stub_imported_names() | {"__version__"}
    assert set(sikernel.__all__) == set(stub_all)
    assert set(dir(sikernel)) >= set(stub_all)


@pytest.mark.parametrize("package", ["sikernel.eq", "sikernel.eye"])
def test_subpackage_stub_matches_its_runtime_namespace(package):
    import importlib

    mod = importlib.import_module(package)
    tree = ast.parse((REPO / package.replace(".", "/") / "__init__.pyi").read_text())
    imported = {a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for a in node.names}
    declared = next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
                    and any(getattr(t, "id", "") == "__all__" for t in n.targets))
    assert set(declared) == imported == set(mod.__all__)
    for name in mod.__all__:
        assert getattr(mod, name) is not None, f"{package}.{name}"


def test_every_public_name_resolves():
    for name in sikernel.__all__:
        assert getattr(sikernel, name) is not None, name
    assert sikernel.get_preset("802.3ck-kr").name
    assert callable(sikernel.store.open)


def test_every_public_subpackage_is_an_attribute():
    # a new public module (e.g. sikernel/system/) must be added to the stub to be reachable
    public = {m.name for m in pkgutil.iter_modules(sikernel.__path__)
              if not m.name.startswith("_") and m.name not in NOT_API}
    missing = sorted(public - set(sikernel.__all__))
    assert not missing, f"public modules missing from sikernel/__init__.pyi: {missing}"


def test_unknown_attribute_raises():
    with pytest.raises(AttributeError, match="nonexistent_name"):
        sikernel.nonexistent_name  # noqa: B018


def test_import_sikernel_is_light():
    # also the lazy subpackage namespaces sikernel.eq and sikernel.eye
    code = ("import sys, sikernel, sikernel.eq, sikernel.eye\n"
            f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
            "kernels = [m for m in sys.modules if m.startswith('sikernel._kernels')]\n"
            "print(','.join(heavy + kernels))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=REPO)
    assert out.stdout.strip() == "", f"import sikernel pulled in: {out.stdout.strip()}"


def test_attribute_access_is_lazy_per_name():
    # touching one light name must not drag in the heavy ones (the stub is not imported eagerly)
    code = ("import sys, sikernel\n"
            "sikernel.SIKernelError; sikernel.get_preset\n"
            "print(','.join(m for m in ('h5py', 'matplotlib', 'dask', 'skrf') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=REPO)
    assert out.stdout.strip() == "", f"sikernel.get_preset pulled in: {out.stdout.strip()}"


MYPY_SNIPPET = '''\
import sikernel
import sikernel as sk

reveal_type(sk.get_preset("802.3ck-kr"))
reveal_type(sikernel.com)
reveal_type(sikernel.store.open)
reveal_type(sk.run_study)
reveal_type(sk.Stripline)
reveal_type(sk.__version__)
reveal_type(sk.SIKernelError)
reveal_type(sk.eye.stat_eye)
reveal_type(sk.eq.solve_mmse)
bad: int = sk.il_at_nyquist
sk.no_such_name
'''


def test_mypy_sees_the_public_names(tmp_path):
    pytest.importorskip("mypy", reason="mypy is in the test extra")
    snippet = tmp_path / "uses_sikernel.py"
    snippet.write_text(MYPY_SNIPPET)
    # MYPYPATH: check the source tree's stub (an editable install hides it behind an import hook)
    env = {"MYPYPATH": str(REPO), "PATH": "", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "mypy", "--follow-imports=silent", "--ignore-missing-imports",
                          "--cache-dir", str(tmp_path / "cache"), "--no-error-summary", str(snippet)],
                         capture_output=True, text=True, env=env, cwd=tmp_path)
    lines = out.stdout.splitlines()
    revealed = [ln.split('Revealed type is "', 1)[1].rstrip('"') for ln in lines if "Revealed type" in ln]
    assert len(revealed) == 9, out.stdout + out.stderr
    assert revealed[0] == "sikernel.eye.presets.ComPreset"
    assert revealed[1].endswith("-> sikernel.eye.com.ComResult")
    assert revealed[2].endswith("-> sikernel.store.SweepResult")
    assert revealed[3].endswith("StudyResult"), revealed[3]
    assert "sikernel.channel.lines.Stripline" in revealed[4]
    assert revealed[5] == "str"
    assert "sikernel.errors.SIKernelError" in revealed[6]
    assert revealed[7].endswith("-> sikernel.eye.stateye.StatEyeResult")
    assert revealed[8].endswith("-> sikernel.eq.mmse.MmseResult")
    assert not any(r == "Any" for r in revealed), revealed
    errors = [ln for ln in lines if ": error:" in ln]
    # the two deliberate mistakes are caught, and nothing else is reported
    assert len(errors) == 2, out.stdout
    assert "Incompatible types in assignment" in errors[0] and "NyquistLoss" in errors[0]
    assert 'has no attribute "no_such_name"' in errors[1]


def test_wheel_ships_the_stub_and_py_typed():
    assert (REPO / "sikernel" / "py.typed").is_file()
    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    patterns = data["tool"]["setuptools"]["package-data"]["sikernel"]
    pkg = REPO / "sikernel"
    for f in ["py.typed", *(p.relative_to(pkg).as_posix() for p in pkg.rglob("*.pyi"))]:
        # setuptools globs: '*' does not cross '/'
        assert any(fnmatch.fnmatch(f, p) and f.count("/") == p.count("/") for p in patterns), (
            f"{f} not in package-data {patterns}")
