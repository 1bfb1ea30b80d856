"""a11y-audit: honest, nightly RGAA 4.1.2 / WCAG audits of a city's websites."""

__version__ = "0.1.0"
