"""manage.py import_records: the same preview and rules, with exit codes scripts can trust."""

import io

import pytest
from django.core.management import CommandError, call_command

from challenges.models import Challenge
from influencers.models import Influencer

from .conftest import FIXTURES


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import_records", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_dry_run_prints_the_preview_and_exits_1_when_rows_are_refused(indonesia, thailand, japan):
    code, out, err = run("influencers", str(FIXTURES / "influencers_messy.csv"), "--dry-run")
    assert code == 1
    assert "Nama → name" in out
    assert "       8  to create" in out  # Japan too: the command without --user is an administrator
    assert "       4  refused" in out
    assert "       1  skipped (duplicates)" in out
    assert "row 7 [TikTok followers]: Not a number: banyak." in err
    assert "Dry run: nothing was written." in out
    assert not Influencer.objects.exists()


def test_refused_rows_stop_the_import_unless_skipped(indonesia):
    path = str(FIXTURES / "influencers_one_bad_row.csv")
    code, out, err = run("influencers", path)
    assert code == 1 and "Nothing was imported" in out
    assert not Influencer.objects.exists()
    code, out, err = run("influencers", path, "--skip-errors")
    assert code == 1  # rows were refused, even though the good ones went in
    assert Influencer.objects.count() == 3


def test_a_clean_file_exits_0(tmp_path, indonesia, thailand):
    code, out, _err = run("challenges", str(FIXTURES / "challenges_messy.csv"), "--skip-errors")
    assert code == 1 and Challenge.objects.count() == 2
    text = (FIXTURES / "influencers_one_bad_row.csv").read_text().replace("Bad Three;ID;@bad.three;-5\n", "")
    clean = tmp_path / "clean.csv"
    clean.write_text(text)
    code, out, _err = run("influencers", str(clean))
    assert code == 0 and "Imported in one transaction." in out
    assert Influencer.objects.count() == 3


def test_country_and_user_options_apply_their_rules(id_operator, indonesia, thailand):
    code, _out, err = run("influencers", str(FIXTURES / "influencers_messy.csv"), "--country", "ID", "--dry-run")
    assert "This import is for Indonesia; the row names Thailand." in err
    code, _out, err = run("government_contacts", str(FIXTURES / "government_contacts.csv"), "--user", "id-operator")
    assert code == 1 and "You may not import into Indonesia." in err


def test_unreadable_files_exit_2(tmp_path, indonesia):
    bad = tmp_path / "report.csv"
    bad.write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError) as exc:
        run("influencers", str(bad))
    assert exc.value.returncode == 2 and "PDF" in str(exc.value)
    with pytest.raises(CommandError) as exc:
        run("influencers", str(tmp_path / "missing.csv"))
    assert exc.value.returncode == 2
