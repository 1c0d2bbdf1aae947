"""Report charts draw Thai, Japanese and Khmer names with the Noto fonts, even when matplotlib's
cached font list was written before those fonts were installed."""

from matplotlib import font_manager

from opsportal import charts
from tests.conftest import skip_or_fail


def test_noto_fonts_missing_from_the_cached_list_are_added_back(monkeypatch):
    on_disk = [path for path in font_manager.findSystemFonts() if "Noto" in path]
    if not on_disk:
        skip_or_fail("no Noto font on this machine (apt-get install fonts-noto-core)")
    without_noto = [font for font in font_manager.fontManager.ttflist if "Noto" not in font.fname]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", without_noto)

    charts._add_fonts_installed_after_the_cache()

    names = {font.name for font in font_manager.fontManager.ttflist}
    assert "Noto Sans" in names
