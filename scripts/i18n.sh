#!/usr/bin/env bash
# The translation workflow. Catalogues live in locale/<lang>/LC_MESSAGES/ (settings.LOCALE_PATHS);
# the compiled .mo files are committed, so running the portal needs no gettext.
#
#   scripts/i18n.sh           update the .po files from the code, then compile them
#   scripts/i18n.sh update    only update the .po files (new strings arrive with an empty msgstr)
#   scripts/i18n.sh compile   only compile .po → .mo (after translating; commit both)
#
# Needs GNU gettext (apt-get install -y gettext). tests/i18n/ checks, without gettext, that no
# message is untranslated or fuzzy and that every .mo matches its .po.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=python3
LANGUAGES=(id th vi ja ms km)  # settings.LANGUAGES without English, the language of the source
# Nothing outside the project's own code: the virtualenv, data, tests, build output.
IGNORE=(--ignore=.venv --ignore=var --ignore=tests --ignore=node_modules --ignore=staticfiles
        --ignore=docs --ignore=benchmarks --ignore=tmp)

if ! command -v msgfmt >/dev/null; then
    echo "GNU gettext is missing: apt-get install -y gettext" >&2
    exit 1
fi

update() {
    local langs=()
    for lang in "${LANGUAGES[@]}"; do langs+=(--locale "$lang"); done
    # --add-location=file: line numbers would change the catalogues at every template edit.
    "$PYTHON" manage.py makemessages "${langs[@]}" --domain django --no-obsolete --no-wrap \
        --add-location file "${IGNORE[@]}"
    # JavaScript strings only once a script uses gettext() (through the jsi18n/ catalogue).
    if grep -rlq --include='*.js' -E '\b(n|p)?gettext\(' opsportal/static */static 2>/dev/null; then
        "$PYTHON" manage.py makemessages "${langs[@]}" --domain djangojs --no-obsolete --no-wrap \
            --add-location file "${IGNORE[@]}"
    fi
}

compile() {
    "$PYTHON" manage.py compilemessages "${IGNORE[@]}"
}

case "${1:-all}" in
    update) update ;;
    compile) compile ;;
    all) update && compile ;;
    *) echo "usage: $0 [update|compile]" >&2; exit 2 ;;
esac
