"""Readers: ``parse_*`` turns text into models; ``load_*`` reads a path."""
