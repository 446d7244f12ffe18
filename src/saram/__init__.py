"""Saram (사람): a city's platform for neighbourhood welfare, local economy and making."""
