"""Sub-commands of the ``sikernel`` command, one module each (``register(subparsers)``)."""
