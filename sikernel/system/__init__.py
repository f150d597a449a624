"""The optical side of every architecture and the port account (see docs/energy-model.md)."""
