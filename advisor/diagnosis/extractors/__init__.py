"""One extractor per family of facts, registered in the order they run (numbers first: the budget share defers to a
stated amount). A new family is one module with ``@extractor`` functions, imported here."""
from advisor.diagnosis.extractors import (numbers, people, systems, statements, learned,  # noqa: F401, I001
                                          descriptions, pains, sectors)
from advisor.diagnosis.extractors.base import EXTRACTORS, Context, extractor

__all__ = ["EXTRACTORS", "Context", "extractor"]
