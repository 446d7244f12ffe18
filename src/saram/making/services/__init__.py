"""Writes of the making app: one module per process of the centre."""
