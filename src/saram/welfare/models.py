"""Models of the welfare app."""
