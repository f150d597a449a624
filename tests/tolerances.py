"""Every numerical tolerance used by the tests, named once."""

# exact-arithmetic comparisons of two implementations of the same formula
RTOL_SAME_FORMULA = 1e-10
ATOL_SAME_FORMULA = 1e-12
