"""The benchmark harness (``python -m bench``): see ``bench/run.py``."""
