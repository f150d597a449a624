"""Fused multiply-add inside kernels, spelled out: ``fma(a, b, c) = a b + c`` rounded once.

The kernels are compiled with the ``contract`` fast-math flag (:mod:`sikernel._jit`), so
``s += a * b`` already becomes an FMA; but in an unrolled sum such as
``a0 * b0 + a1 * b1`` the compiler may fuse either product, and the rounding then depends
on the code shape.  Kernels that rearrange a sum for speed (several outputs per pass,
unrolled taps) use this explicit FMA so that every output keeps exactly the rounding of the
plain loop ``s = 0; for a: s += c[a] x[a]`` (the LLVM ``llvm.fma.f64`` intrinsic, IEEE 754
fusedMultiplyAdd).
"""

from __future__ import annotations

from numba import types
from numba.extending import intrinsic


@intrinsic
def fma(typingctx, a, b, c):
    """``a * b + c`` with one rounding (float64)."""
    sig = types.float64(types.float64, types.float64, types.float64)

    def codegen(context, builder, signature, args):
        fa, fb, fc = (context.cast(builder, v, t, types.float64)
                      for v, t in zip(args, signature.args, strict=True))
        return builder.fma(fa, fb, fc)

    return sig, codegen


__all__ = ["fma"]
