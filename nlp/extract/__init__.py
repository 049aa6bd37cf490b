"""Facts from the text of regional regulations and news: metadata, structure, obligations,
targets, references, relations and relevance, each with its evidence.

The entry point is :func:`extract_document`; the result follows
``nlp/schema/extract.schema.json``. Everything is pure: text in, a dict out; the spaCy pipeline
(``spacy.blank("id")`` and its matchers) and the pattern files are loaded once per process.
"""

from .document import KINDS, extract_document, warm_up
from .numbers import parse_number, parse_terbilang
from .patterns import extractor_version
from .structure import parse_structure

__all__ = ["extract_document", "extractor_version", "parse_number", "parse_structure",
           "parse_terbilang", "warm_up", "KINDS", "EXTRACTOR_VERSION"]


def __getattr__(name):
    if name == "EXTRACTOR_VERSION":
        return extractor_version()
    raise AttributeError(name)
