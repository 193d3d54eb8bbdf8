"""Canonical indicator registry (stub while the registry is written)."""
from __future__ import annotations


def map_indicator(indicator_text, sentence=None):
    return (None, None, None)
