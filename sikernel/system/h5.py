"""HDF5 file of the study (written atomically) and its reader.

Layout: root attributes ``inputs_json``, ``checks_json``, ``tornado_json``,
``ports_not_closing_json``, ``warnings_json``, provenance and
``complete``; group ``ports`` (one subgroup per port entry: scalar fields as attributes,
``blocks_w`` / ``blocks_w_p10`` / ``blocks_w_p90`` as subgroups of attributes, list fields
as JSON attributes); group ``architectures`` (the per-link rows); ``curves``;
``il_curves``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .._files import atomic_target
from .result import StudyResult, nan_to_none


def _attr(v: Any) -> Any:
    return float("nan") if v is None else v


def write_hdf5(res: StudyResult, path: str | os.PathLike) -> Path:
    """Write the study to HDF5 atomically (temp file in the same folder, then rename).

    Parameters
    ----------
    res : StudyResult
        The study results.
    path : str or os.PathLike
        Output file; its folder is created when missing.

    Returns
    -------
    Path
        The file written.
    """
    import h5py

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_target(path, ".h5.tmp") as tmp:
        with h5py.File(tmp, "w") as h:
            h.attrs["inputs_json"] = json.dumps(nan_to_none(res.inputs), default=str)
            h.attrs["checks_json"] = json.dumps(nan_to_none(res.checks), default=str)
            h.attrs["tornado_json"] = json.dumps(nan_to_none(res.tornado), default=str)
            h.attrs["ports_not_closing_json"] = json.dumps(nan_to_none(res.not_closing), default=str)
            h.attrs["warnings_json"] = json.dumps(list(res.warnings))
            for k, v in res.provenance.items():
                h.attrs[k] = str(v)
            pg = h.create_group("ports")
            for i, p in enumerate(res.ports):
                sg = pg.create_group(f"{i:03d}_{p['architecture']}_{p['lane_gbps']:g}G_{p['port_gbps']:g}G")
                for k, v in p.items():
                    if isinstance(v, dict):
                        dg = sg.create_group(k)
                        for kk, vv in v.items():
                            dg.attrs[kk] = _attr(vv)
                    elif isinstance(v, list | tuple):
                        sg.attrs[k + "_json"] = json.dumps(nan_to_none(v), default=str)
                    else:
                        sg.attrs[k] = _attr(v)
            g = h.create_group("architectures")
            for r in res.rows:
                sg = g.create_group(f"{r['name']}_{r['rate_gbps']:g}G")
                for k, v in r.items():
                    if isinstance(v, dict | list):
                        sg.attrs[k + "_json"] = json.dumps(nan_to_none(v), default=lambda o: None)
                    else:
                        sg.attrs[k] = _attr(v)
            c = h.create_group("curves")
            for k, d in res.curves.items():
                cg = c.create_group(k)
                for kk, vv in d.items():
                    cg.create_dataset(kk, data=vv.astype("S16") if vv.dtype.kind == "U" else vv)
            il = h.create_group("il_curves")
            il.attrs["description"] = ("insertion loss -20 log10 |SDD21| of each port's host channel, one "
                                       "group per '<line rate Gb/s>_<architecture>'")
            for k, (f, v) in res.il_curves.items():
                ig = il.create_group(k)
                ig.create_dataset("f_hz", data=f).attrs["units"] = "Hz"
                ig.create_dataset("il_db", data=v).attrs["units"] = "dB"
            h.attrs["complete"] = True
    return path


def _value(v: Any) -> Any:
    v = v.item() if hasattr(v, "item") else v
    return v.decode() if isinstance(v, bytes) else v


def read_hdf5(path: str | os.PathLike) -> dict[str, Any]:
    """Read back what :func:`write_hdf5` wrote.

    Parameters
    ----------
    path : str or os.PathLike
        A file written by :func:`write_hdf5`.

    Returns
    -------
    dict
        ``{"inputs", "ports", "architectures", "rows", "curves", "il_curves", "checks", "tornado",
        "ports_not_closing", "warnings", "provenance"}``: the keys of the JSON object
        (``to_json()``) and the file's groups.  Port entries as in ``StudyResult.ports`` (NaN where
        the JSON has null); ``architectures`` the per-link rows (the file's group of that name; the
        same list is kept as ``rows``, the ``StudyResult`` attribute); ``il_curves`` name ->
        ``(f_hz, il_db)`` arrays; ``provenance`` the root attributes that are neither JSON nor
        ``complete`` (versions, time).
    """
    import h5py

    rows: list[dict[str, Any]] = []
    out: dict[str, Any] = {"architectures": rows, "rows": rows, "curves": {}, "il_curves": {},
                           "ports": []}
    with h5py.File(path, "r") as h:
        out["provenance"] = {k: _value(v) for k, v in h.attrs.items()
                             if not k.endswith("_json") and k != "complete"}
        out["inputs"] = json.loads(h.attrs["inputs_json"])
        out["checks"] = json.loads(h.attrs["checks_json"]) if "checks_json" in h.attrs else []
        out["tornado"] = json.loads(h.attrs["tornado_json"]) if "tornado_json" in h.attrs else {}
        out["ports_not_closing"] = (json.loads(h.attrs["ports_not_closing_json"])
                                    if "ports_not_closing_json" in h.attrs else [])
        out["warnings"] = json.loads(h.attrs["warnings_json"]) if "warnings_json" in h.attrs else []
        for name in sorted(h.get("ports", {})):
            sg = h["ports"][name]
            p: dict[str, Any] = {}
            for k, v in sg.attrs.items():
                if k.endswith("_json"):
                    p[k[:-5]] = json.loads(v)
                else:
                    p[k] = _value(v)
            for k in sg:
                p[k] = {kk: _value(vv) for kk, vv in sg[k].attrs.items()}
            out["ports"].append(p)
        for name in h["architectures"]:
            a = h["architectures"][name].attrs
            row = {}
            for k, v in a.items():
                if k.endswith("_json"):
                    row[k[:-5]] = json.loads(v)
                else:
                    row[k] = _value(v)
            out["rows"].append(row)
        for k in h["curves"]:
            out["curves"][k] = {kk: h["curves"][k][kk][()] for kk in h["curves"][k]}
        for k in h.get("il_curves", {}):
            out["il_curves"][k] = (h["il_curves"][k]["f_hz"][()], h["il_curves"][k]["il_db"][()])
    return out


__all__ = ["read_hdf5", "write_hdf5"]
