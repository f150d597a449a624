"""Numba kernels only: arrays and scalars in, preallocated arrays out.

No Python objects, I/O or h5py here; public modules validate and wrap.
"""
