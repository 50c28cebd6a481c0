"""roadshow: plan listening tours and consultation programmes."""

from importlib.metadata import version as _version

__version__ = _version("roadshow")
