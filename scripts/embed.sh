#!/bin/sh
# embed.sh FILE SYMBOL: a C file defining `const char SYMBOL[]` with FILE's bytes.
set -eu
printf '/* Generated from %s by scripts/embed.sh: do not edit. */\n' "$1"
printf 'const char %s[] = {\n' "$2"
od -An -v -tx1 "$1" | sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g' -e 's/^/\t/'
printf '\t0x00\n};\n'
