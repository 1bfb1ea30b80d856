"""Compiles the words catalogues (audit/locale/*/LC_MESSAGES/*.po → .mo) when the package is built."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):
    def run(self):
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in sorted(Path(__file__).parent.glob("audit/locale/*/LC_MESSAGES/*.po")):
            with po.open("rb") as fp:
                catalog = read_po(fp)
            for message in list(catalog):  # not translated yet: left out, the msgid is said
                strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
                if message.id and not all(strings):
                    catalog.delete(message.id, context=message.context)
            with po.with_suffix(".mo").open("wb") as fp:
                write_mo(fp, catalog)
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues})
