#!/bin/sh
# mkman.sh VIGIL OUTDIR: man pages from the --help texts (help2man), so they
# never drift from the binary: vigil.8 and one vigil-COMMAND.8 per command
# (`vigil policy show` -> vigil-policy-show.8).
set -eu
vigil=$1
out=$2
mkdir -p "$out"
here=$(dirname "$0")
help2man --no-info --section 8 --name "eBPF runtime security and observability agent" \
	--include "$here/../deploy/man/vigil.h2m" --version-option=--version \
	--output "$out/vigil.8" "$vigil"
# The commands, as `vigil --help` lists them (two spaces, then words, then two spaces).
"$vigil" --help | sed -n 's/^  \([a-z][a-z ]*[a-z]\)   *\(.*\)$/\1|\2/p' |
while IFS='|' read -r cmd summary; do
	page=vigil-$(echo "$cmd" | tr ' ' '-')
	help2man --no-info --section 8 --name "$summary" --version-option=--version \
		--help-option="$cmd --help" --output "$out/$page.8" "$vigil"
	# help2man names the page after the binary: name it after the command.
	sed -i -e "s/^\\.TH VIGIL /.TH $(echo "$page" | tr a-z- A-Z-) /" \
		-e "/^\\.SH NAME/{n;s/^vigil /$page /}" "$out/$page.8"
done
