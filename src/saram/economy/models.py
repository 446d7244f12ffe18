"""Models of the economy app."""
