"""``python -m sikernel ...``: the same command line as the ``sikernel`` script."""

from .cli import entry

entry()
