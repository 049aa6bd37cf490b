"""Pantau: tracker of regional regulations implementing Inpres 2/2021 (BPJS Ketenagakerjaan)."""

__version__ = "0.1.0"
