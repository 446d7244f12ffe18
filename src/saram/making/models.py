"""Models of the making app."""
