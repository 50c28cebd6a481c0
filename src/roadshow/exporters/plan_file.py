"""The plan file writer, re-exported from :mod:`roadshow.planfile` (its home)."""

from roadshow.planfile import SCHEMA, plan_to_data, render_plan_file

__all__ = ["SCHEMA", "plan_to_data", "render_plan_file"]
