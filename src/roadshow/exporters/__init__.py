"""Renderers: a plan or scenario in, text or bytes out; the caller writes."""
