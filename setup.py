"""Compiles the words catalogues (audit/locale/*/LC_MESSAGES/*.po → .mo) when the package is built."""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent


class BuildWithCatalogues(build_py):
    def run(self):
        # the same compilation as at run time (an entry not translated yet is left out)
        sys.path.insert(0, str(HERE))
        from audit.words import compile_po

        for po in sorted(HERE.glob("audit/locale/*/LC_MESSAGES/*.po")):
            po.with_suffix(".mo").write_bytes(compile_po(po))
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues})
