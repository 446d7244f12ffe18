"""Core computations with no Django: identity numbers, sealing, boundaries, the audit chain."""
