"""Run roadshow as ``python -m roadshow``."""

from roadshow.cli import main

main()
