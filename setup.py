"""Build configuration beyond pyproject.toml: the optional C module `govrules._speedups`.

Where it cannot be compiled (no C compiler), the package installs without it and reads every
log in Python, with the same results.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("govrules._speedups", ["src/govrules/_speedups.c"], optional=True)])
