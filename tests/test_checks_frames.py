"""Theme 2 checks (audit/checks/frames.py) on their HTML fixtures, offline and in real Chromium."""

from __future__ import annotations

from check_fixtures import theme_tests
from test_checks_forms import evidence

from audit.checks import run_page_checks
from audit.model import Outcome

MODULE = "frames"

(test_fixture_outcomes, test_no_false_failure_on_clean_fixtures, test_every_check_has_fixtures_both_ways,
 test_metadata_is_complete_and_honest, test_real_chromium_gives_the_same_outcomes) = theme_tests(
    MODULE, in_chromium=("failed-iframe-no-title.html", "failed-iframe-generic-title.html",
                         "inapplicable-iframe-hidden.html"))


def test_messages_are_said_in_english(tmp_path):
    html = ('<html lang=fr><body><iframe src="/a" aria-label="Carte"></iframe><iframe src="/b" title="iframe">'
            '</iframe><iframe src="/c" title="Plan de la ville"></iframe></body></html>')
    found = run_page_checks(evidence(tmp_path, html), only=["rgaa-2.1-frame-title", "rgaa-2.2-frame-title-relevant"])
    said = {(f.outcome, f.message, f.said("message", "en")) for f in found}
    assert (Outcome.FAILED, "Cadre sans attribut title. Il a un aria-label ou aria-labelledby, mais le RGAA demande "
            "l'attribut title.", "Frame without a title attribute. It has an aria-label or aria-labelledby, but RGAA "
            "requires the title attribute.") in said
    assert (Outcome.FAILED, "Titre de cadre générique (« iframe »).", "Generic frame title (“iframe”).") in said
    assert (Outcome.CANT_TELL, "Titre du cadre : « Plan de la ville » (src : /c).",
            "Frame title: “Plan de la ville” (src: /c).") in said
