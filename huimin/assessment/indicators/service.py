"""Placeholder: replaced by this module's calculators."""
