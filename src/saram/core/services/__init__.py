"""Writes: the only place where core state changes. One module per business process."""
