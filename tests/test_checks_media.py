"""audit/checks/media.py (theme 4): fixtures, media detection, autoplay."""

from __future__ import annotations

import pytest
from check_fixtures import page_fixture_tests
from test_checks_forms import checks_of, evidence, outcome_of

from audit.checks import run_page_checks
from audit.checks.media import non_temporal_media, temporal_media
from audit.model import Outcome

MODULE = "audit.checks.media"

test_fixture_outcome, test_never_fails_on_clean_fixtures = page_fixture_tests("media")


def page(body: str) -> str:
    return f"<!DOCTYPE html><html lang=fr><head><title>t</title></head><body><main>{body}</main></body></html>"


@pytest.mark.parametrize(("body", "kinds"), [
    ('<video src="a.mp4"></video><audio src="b.mp3"></audio>', ["video", "audio"]),
    ('<iframe src="https://www.youtube.com/embed/x" title="v"></iframe>', ["player"]),
    ('<iframe src="https://player.vimeo.com/video/1" title="v"></iframe>', ["player"]),
    ('<iframe src="https://geo.dailymotion.com/player.html?video=x" title="v"></iframe>', ["player"]),
    ('<iframe src="https://videos.example.fr/videos/embed/5f3c" title="v"></iframe>', ["player"]),
    ('<iframe src="https://w.soundcloud.com/player/?url=x" title="p"></iframe>', ["audio-player"]),
    ('<object data="clip.mp4" type="video/mp4"></object>', ["object"]),
    ('<embed src="jingle.mp3">', ["audio"]),
    ('<iframe src="https://www.openstreetmap.org/export/embed.html" title="carte"></iframe>', []),
    ('<object data="plan.svg" type="image/svg+xml"></object><noscript><video src="x.mp4"></video></noscript>', []),
    ('<video src="a.mp4" hidden></video><div style="display:none"><audio src="b.mp3"></audio></div>', []),
    ('<video><source src="a.mp4"><track kind="captions" src="a.vtt"></video>', ["video"]),
])
def test_temporal_media_detection(tmp_path, body, kinds):
    ev = evidence(tmp_path, page(body))
    assert [m.kind for m in temporal_media(ev.dom)] == kinds


def test_non_temporal_media(tmp_path):
    ev = evidence(tmp_path, page('<canvas id="c"></canvas><object data="app.swf" type="application/x-shockwave-flash">'
                                 '</object><object data="doc.pdf" type="application/pdf"></object>'
                                 '<embed src="photo.png"><video src="a.mp4"></video>'))
    assert [m.element.tag for m in non_temporal_media(ev.dom)] == ["canvas", "object"]


@pytest.mark.parametrize(("body", "expected"), [
    ('<video autoplay src="a.mp4"></video>', Outcome.CANT_TELL),
    ('<video autoplay controls src="a.mp4"></video>', Outcome.PASSED),
    ('<video autoplay muted src="a.mp4"></video>', Outcome.INAPPLICABLE),
    ('<audio src="a.mp3" controls></audio>', Outcome.INAPPLICABLE),
    ('<iframe src="https://www.youtube.com/embed/x?autoplay=1" title="v"></iframe>', Outcome.CANT_TELL),
    ('<iframe src="https://www.youtube.com/embed/x?autoplay=1&amp;mute=1" title="v"></iframe>', Outcome.INAPPLICABLE),
    ('<iframe src="https://www.youtube.com/embed/x?autoplay=0" title="v"></iframe>', Outcome.INAPPLICABLE),
    ('<embed src="jingle.mp3" autostart="true">', Outcome.CANT_TELL),
    ('<embed src="jingle.mp3" autostart="false">', Outcome.INAPPLICABLE),
])
def test_autoplay_never_fails(tmp_path, body, expected):
    """A sound of 3 s or less, or a page button, satisfies 4.10.1: markup alone cannot fail it (ACT 80f0bf)."""
    assert outcome_of(evidence(tmp_path, page(body)), "rgaa-4.10-autoplay-sound") == expected


def test_no_media_is_inapplicable_with_a_reason(tmp_path):
    findings = run_page_checks(evidence(tmp_path, page("<p>Texte</p>")), only=checks_of(MODULE))
    assert len(findings) == 13 and {f.outcome for f in findings} == {Outcome.INAPPLICABLE}
    assert all("ne s'applique pas à cette page" in f.message for f in findings)


def test_transcript_link_is_noticed(tmp_path):
    body = '<figure><video controls src="v.mp4"></video><figcaption>Vœux</figcaption></figure>' \
           '<p><a href="/t.html">Lire la transcription</a></p>'
    (finding,) = run_page_checks(evidence(tmp_path, page(body)), only=["rgaa-4.1-transcript"])
    assert finding.outcome == Outcome.CANT_TELL and "transcription" in finding.message
    assert finding.selector and finding.snippet.startswith("<video")


def test_findings_are_said_in_english_too(tmp_path):
    body = ('<video src="clips/voeux.mp4"></video>'
            '<object data="carte.swf" type="application/x-shockwave-flash" wmode="transparent"></object>')
    findings = run_page_checks(evidence(tmp_path, page(body)), only=["rgaa-4.3-captions", "rgaa-4.13-compatible"])
    captions = next(f for f in findings if f.check_id == "rgaa-4.3-captions")
    assert captions.message == "La vidéo (clips/voeux.mp4) n'a aucune piste <track> de sous-titres."
    assert captions.said("message", "en") == "The video (clips/voeux.mp4) has no <track> caption track."
    [flash] = [f for f in findings if f.outcome == Outcome.FAILED]
    assert flash.said("message", "en") == 'The object has wmode="transparent": its content is invisible to screen readers.'
    assert flash.said("message", "en") != flash.message
    none = run_page_checks(evidence(tmp_path, page("<p>Texte</p>")), only=["rgaa-4.1-transcript"])
    assert none[0].said("message", "en").endswith("the criterion does not apply to this page.")
