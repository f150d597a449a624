"""The public API's annotations resolve at run time (``typing.get_type_hints``): tools that
read them (documentation, validation, IDE helpers) must not meet a NameError."""

from __future__ import annotations

import importlib
import inspect
import typing

import pytest

#: modules whose public functions and classes take array-like input
MODULES = ["sikernel.response", "sikernel.eq.filters", "sikernel.eq.grid", "sikernel.eye.com",
           "sikernel.eye.fom", "sikernel.eye.stateye", "sikernel.channel.touchstone"]


@pytest.mark.parametrize("name", MODULES)
def test_public_annotations_resolve(name):
    mod = importlib.import_module(name)
    public = getattr(mod, "__all__", [n for n in vars(mod) if not n.startswith("_")])
    checked = 0
    for attr in public:
        obj = getattr(mod, attr)
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == name:
            typing.get_type_hints(obj)
            checked += 1
    assert checked, f"{name}: no public function or class found"
