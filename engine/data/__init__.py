"""Bundled data: the registry of real FTO designations and its source notes."""
