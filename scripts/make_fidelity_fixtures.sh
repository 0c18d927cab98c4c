#!/usr/bin/env bash
# Makes the format-fidelity fixtures: each note of tests/data/fidelity/*.md as .docx, .odt, .html, .pptx, .pdf and .rtf.
# Needs pandoc and LibreOffice (Debian: apt-get install pandoc libreoffice-writer-nogui libreoffice-impress-nogui);
# the bot does not: the outputs are committed. Run from the checkout: scripts/make_fidelity_fixtures.sh
set -euo pipefail
cd "$(dirname "$0")/../tests/data/fidelity"
for fmt in docx odt html pptx pdf rtf; do mkdir -p "$fmt"; done
for md in *.md; do
  name=${md%.md}
  pandoc -f gfm+tex_math_dollars "$md" -o "docx/$name.docx"
  pandoc -f gfm+tex_math_dollars "$md" -o "odt/$name.odt"
  pandoc -f gfm+tex_math_dollars -s --metadata title="$name" "$md" -o "html/$name.html"
  pandoc -f gfm+tex_math_dollars --slide-level=2 "$md" -o "pptx/$name.pptx"
  soffice --headless --convert-to pdf --outdir pdf "docx/$name.docx" >/dev/null
  soffice --headless --convert-to rtf --outdir rtf "docx/$name.docx" >/dev/null
done
ls -l docx odt html pptx pdf rtf
