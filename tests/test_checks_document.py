"""audit/checks/document.py (13.3 on downloaded documents): tiny PDFs written here, byte by byte."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from audit.checks import Evidence, load_checks, not_run, run_page_checks
from audit.model import Outcome, PageKind, PageSnapshot, worst

MODULE = "audit.checks.document"
PDF_CHECKS = ("rgaa-13.3-pdf-tagged", "rgaa-13.3-pdf-lang", "rgaa-13.3-pdf-title", "rgaa-13.3-pdf-text",
              "rgaa-13.3-pdf-protection")
DEMO_DOCS = Path(__file__).resolve().parents[1] / "examples" / "ville-demo" / "documents"


def make_pdf(*, text: str | None = "Compte rendu du conseil municipal", image: bool = False, tagged: bool = False,
             lang: str | None = None, title: str | None = None, display_title: bool = False) -> bytes:
    """A one-page PDF with a correct cross-reference table: only what the arguments ask for."""
    catalog = "<< /Type /Catalog /Pages 2 0 R"
    if tagged:
        catalog += " /MarkInfo << /Marked true >> /StructTreeRoot 6 0 R"
    if lang:
        catalog += f" /Lang ({lang})"
    if display_title:
        catalog += " /ViewerPreferences << /DisplayDocTitle true >>"
    catalog += " >>"
    ops = []
    if text:
        ops.append(f"BT /F1 12 Tf 20 150 Td ({text}) Tj ET")
    if image:
        ops.append("q 200 0 0 100 20 20 cm /Im1 Do Q")
    content = "\n".join(ops).encode("latin-1")
    objects = [
        catalog.encode(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Resources << /Font << /F1 4 0 R >>"
        b" /XObject << /Im1 7 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /StructTreeRoot /K [] >>",
        b"<< /Type /XObject /Subtype /Image /Width 2 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8"
        b" /Length 2 >>\nstream\n\x00\xff\nendstream",
        (f"<< /Title ({title}) >>" if title else "<< /Producer (tests) >>").encode("latin-1"),
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 8 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def encrypt(data: bytes, *, password: str = "", allow_accessibility: bool = True) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.constants import UserAccessPermissions as Perm

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    flags = Perm.PRINT | (Perm.EXTRACT_TEXT_AND_GRAPHICS if allow_accessibility else 0)
    writer.encrypt(user_password=password, owner_password="proprietaire", permissions_flag=flags)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def doc_evidence(tmp_path: Path, data: bytes, name: str = "document.pdf", content_type: str = "application/pdf",
                 url: str = "https://www.example.org/documents/guide.pdf") -> Evidence:
    folder = tmp_path / name.replace(".", "_")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    snap = PageSnapshot(key=url, url=url, kind=PageKind.DOCUMENT, content_type=content_type, files={"document": name})
    return Evidence(snap, folder)


def outcomes(ev: Evidence) -> dict[str, Outcome]:
    found: dict[str, list] = {}
    for f in run_page_checks(ev):
        found.setdefault(f.check_id, []).append(f.outcome)
    return {cid: worst(o) for cid, o in found.items()}


def test_document_checks_only_run_on_documents(tmp_path):
    ours = {cid for cid, chk in load_checks().items() if chk.module == MODULE}
    assert ours == {*PDF_CHECKS, "rgaa-13.3-document-review"}
    assert {load_checks()[cid].scope for cid in ours} == {"document"}
    found = outcomes(doc_evidence(tmp_path, make_pdf()))
    assert set(found) == ours  # no page check runs on a document, every document check does


def test_accessible_pdf(tmp_path):
    data = make_pdf(tagged=True, lang="fr-FR", title="Compte rendu", display_title=True)
    found = outcomes(doc_evidence(tmp_path, data))
    assert {cid: found[cid] for cid in PDF_CHECKS} == dict.fromkeys(PDF_CHECKS, Outcome.PASSED)
    assert found["rgaa-13.3-document-review"] == Outcome.CANT_TELL  # PAC still has to look at it


def test_untagged_pdf_without_lang_nor_title(tmp_path):
    found = outcomes(doc_evidence(tmp_path, make_pdf()))
    assert found["rgaa-13.3-pdf-tagged"] == found["rgaa-13.3-pdf-lang"] == found["rgaa-13.3-pdf-title"] == Outcome.FAILED
    assert found["rgaa-13.3-pdf-text"] == found["rgaa-13.3-pdf-protection"] == Outcome.PASSED


def test_title_not_displayed_fails(tmp_path):
    findings = run_page_checks(doc_evidence(tmp_path, make_pdf(title="Guide")), only=["rgaa-13.3-pdf-title"])
    assert findings[0].outcome == Outcome.FAILED and "DisplayDocTitle" in findings[0].message


def test_image_only_pdf(tmp_path):
    found = outcomes(doc_evidence(tmp_path, make_pdf(text=None, image=True, tagged=True, lang="fr", title="Scan",
                                                     display_title=True)))
    assert found["rgaa-13.3-pdf-text"] == Outcome.FAILED
    empty = outcomes(doc_evidence(tmp_path, make_pdf(text=None), name="vide.pdf"))
    assert empty["rgaa-13.3-pdf-text"] == Outcome.CANT_TELL


@pytest.mark.parametrize("data", [b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", b"%PDF-1.7\n" + b"\x00" * 100, b"",
                                  make_pdf()[:150]])
def test_broken_pdf_is_a_clear_cant_tell(tmp_path, data):
    findings = run_page_checks(doc_evidence(tmp_path, data))
    assert {f.outcome for f in findings} == {Outcome.CANT_TELL}
    assert not any(not_run(f) for f in findings)
    assert all("PDF" in f.message and f.question for f in findings)


def test_protection(tmp_path):
    blocked = encrypt(make_pdf(tagged=True, lang="fr", title="T", display_title=True), allow_accessibility=False)
    found = outcomes(doc_evidence(tmp_path, blocked, name="bloque.pdf"))
    assert found["rgaa-13.3-pdf-protection"] == Outcome.FAILED
    assert found["rgaa-13.3-pdf-tagged"] == Outcome.PASSED  # the owner password does not hide the structure
    allowed = encrypt(make_pdf(), allow_accessibility=True)
    assert outcomes(doc_evidence(tmp_path, allowed, name="ok.pdf"))["rgaa-13.3-pdf-protection"] == Outcome.PASSED
    locked = encrypt(make_pdf(), password="secret")
    found = outcomes(doc_evidence(tmp_path, locked, name="ferme.pdf"))
    assert set(found.values()) == {Outcome.CANT_TELL}


def test_pdf_saved_as_bin_by_the_browser(tmp_path):
    ev = doc_evidence(tmp_path, make_pdf(), name="document.bin", content_type="application/octet-stream",
                      url="https://www.example.org/telecharger?id=3")
    assert outcomes(ev)["rgaa-13.3-pdf-tagged"] == Outcome.FAILED


def test_office_and_other_files(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    docx = doc_evidence(tmp_path, buf.getvalue(), name="document.bin", content_type="application/octet-stream",
                        url="https://www.example.org/formulaire")
    findings = {f.check_id: f for f in run_page_checks(docx)}
    assert findings["rgaa-13.3-document-review"].outcome == Outcome.CANT_TELL
    assert "Word" in findings["rgaa-13.3-document-review"].message
    assert {findings[c].outcome for c in PDF_CHECKS} == {Outcome.INAPPLICABLE}
    png = doc_evidence(tmp_path, b"\x89PNG\r\n\x1a\n", name="image.bin", content_type="image/png",
                       url="https://www.example.org/plan.png")
    assert set(outcomes(png).values()) == {Outcome.INAPPLICABLE}


@pytest.mark.skipif(not DEMO_DOCS.is_dir(), reason="the demo town is not there")
def test_demo_documents(tmp_path):
    guide = outcomes(doc_evidence(tmp_path, (DEMO_DOCS / "guide-restauration-scolaire.pdf").read_bytes(), name="g.pdf"))
    assert guide["rgaa-13.3-pdf-tagged"] == guide["rgaa-13.3-pdf-lang"] == guide["rgaa-13.3-pdf-title"] == "failed"
    report = outcomes(doc_evidence(tmp_path, (DEMO_DOCS / "compte-rendu-conseil-municipal.pdf").read_bytes(),
                                   name="c.pdf"))
    assert {report[c] for c in PDF_CHECKS} == {Outcome.PASSED}


def test_messages_are_said_in_english(tmp_path):
    """A finding keeps its message's data: said in English, it is English; its French is unchanged."""
    import json

    from audit import words

    findings = {f.check_id: f for f in run_page_checks(doc_evidence(tmp_path, make_pdf(title="Guide")))}
    tagged, title = findings["rgaa-13.3-pdf-tagged"], findings["rgaa-13.3-pdf-title"]
    assert tagged.message == "Le PDF n'est pas balisé : pas de /MarkInfo, pas d'arbre de structure (/StructTreeRoot)."
    assert tagged.said("message", "en") == "The PDF is not tagged: no /MarkInfo, no structure tree (/StructTreeRoot)."
    assert title.said("message", "en") == ("The PDF's title is “Guide” but readers show the file name "
                                           "(/ViewerPreferences /DisplayDocTitle missing).")
    assert findings["rgaa-13.3-pdf-lang"].said("message", "en") == "The PDF has no /Lang entry in its catalog."
    assert findings["rgaa-13.3-pdf-text"].said("message", "en") == "Text can be extracted from its only page."
    review = findings["rgaa-13.3-document-review"]
    assert review.message == "PDF « guide.pdf » (1 page) : à vérifier avec PAC (PDF Accessibility Checker)."
    assert review.said("message", "en") == "PDF “guide.pdf” (1 page): to check with PAC (PDF Accessibility Checker)."
    assert review.said("question", "en") == ("Is this document accessible (heading structure, image alternatives, "
                                             "tables, reading order), or is there an accessible version of it?")
    for f in findings.values():
        assert json.loads(json.dumps(f.extra)) == f.extra
        if f.outcome == Outcome.FAILED:
            assert f.said("message", "en") != f.message
    broken = run_page_checks(doc_evidence(tmp_path, b"", name="vide.pdf"), only=["rgaa-13.3-pdf-tagged"])
    assert broken[0].said("message", "en") == "The PDF file could not be read (the file is empty)."
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    odt = doc_evidence(tmp_path, buf.getvalue(), name="deliberation.odt", content_type="application/octet-stream",
                       url="https://www.example.org/deliberation.odt")
    [review] = run_page_checks(odt, only=["rgaa-13.3-document-review"])
    assert review.message == ("Document OpenDocument texte « deliberation.odt » : à vérifier avec le vérificateur "
                              "d'accessibilité de l'éditeur.")
    assert review.said("message", "en") == ("OpenDocument text document “deliberation.odt”: to check with the "
                                            "editor's accessibility checker.")
    for chk in load_checks().values():
        if chk.module == MODULE:
            for text in (chk.title, chk.failure, chk.description, chk.how_to_fix, chk.question):
                assert text is None or words.gettext(text, "en") != text, (chk.id, text)
