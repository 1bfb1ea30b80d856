from audit.fingerprint import fingerprint, normalise_selector, snippet_shape


def test_selector_normalisation_drops_volatile_parts():
    assert normalise_selector("li:nth-child(3) > a") == normalise_selector("li:nth-child(7) > a")
    assert normalise_selector("#item-12") == normalise_selector("#item-13")
    assert normalise_selector(".css-1a2b3c4d > img") == normalise_selector(".css-9f8e7d6c > img")


def test_snippet_shape_ignores_text_and_values():
    a = '<a href="/x" class="btn">Lire</a>'
    b = '<a class="link" href="/y">Voir la suite</a>'
    assert snippet_shape(a) == snippet_shape(b) == "<a class href>"


def test_fingerprint_stable_and_discriminating():
    one = fingerprint("axe:image-alt", "header > a > img", '<img src="logo.png">')
    assert one == fingerprint("axe:image-alt", "header > a > img", '<img src="logo-2026.png">')
    assert one != fingerprint("axe:link-name", "header > a > img", '<img src="logo.png">')
    assert one != fingerprint("axe:image-alt", "footer img", '<img src="logo.png">')
