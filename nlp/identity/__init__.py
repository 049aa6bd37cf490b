"""A document's legal identity read from its text: title and heading (jenis, nomor, tahun,
issuing region, tentang) and enactment (dates, place, signatory).

The vocabulary these read with (the jenis table, ``reg_key``, dates, region names) is the ground
floor's: :mod:`pantau.legal`, :mod:`pantau.dates`, :mod:`pantau.wilayah`.
"""

from .enactment import Enactment, extract_enactment
from .titles import DocumentMeta, extract_metadata, issuer_region, parse_title, readable_tentang

__all__ = ["DocumentMeta", "parse_title", "extract_metadata", "readable_tentang", "issuer_region",
           "Enactment", "extract_enactment"]
