"""The FTO reasoning engine: scenario files in, answers with cited explanations out.

A regular package (not a namespace one), so tools that look for a distribution's top-level
packages find `engine` (pytest marks it for assertion rewriting through our plugin entry point;
without this file it took the modules inside for top-level ones, among them `calendar`).
"""
