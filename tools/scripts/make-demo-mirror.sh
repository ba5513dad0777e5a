#!/usr/bin/env bash
# Re-creates the files the demo's local mirror serves (apps/demo/mirror/), byte for byte: the
# content is fixed and the archives are built without timestamps or owners, so the checksums in
# apps/demo/artifacts.lock.yaml stay valid. Run from the repository root.
set -euo pipefail
m=apps/demo/mirror
rm -rf "$m" && mkdir -p "$m"/{releases,data,docs,images}

# A 1 MiB data file: a SHA-256 counter stream, deterministic and incompressible.
node -e '
const { createHash } = require("node:crypto");
const out = Buffer.alloc(1 << 20);
for (let i = 0; i * 32 < out.length; i++) createHash("sha256").update(`hermetic-demo-${i}`).digest().copy(out, i * 32);
require("node:fs").writeFileSync(process.argv[1], out);
' "$m/data/corpus-2024.bin"

# A small release tarball of a pretend tool.
src=$(mktemp -d)
mkdir -p "$src/tool-1.4.2/bin"
printf '#!/bin/sh\necho "tool 1.4.2"\n' > "$src/tool-1.4.2/bin/tool"
printf 'tool 1.4.2: an example dependency served by the Hermetic demo mirror.\n' > "$src/tool-1.4.2/README"
chmod 755 "$src/tool-1.4.2/bin/tool"
tar --sort=name --mtime='2024-01-01 00:00:00Z' --owner=0 --group=0 --numeric-owner -C "$src" -cf - tool-1.4.2 | gzip -9n > "$m/releases/tool-1.4.2.tar.gz"
rm -rf "$src"

printf 'Demo notice file for Hermetic.\nEvery byte of it is checked against artifacts.lock.yaml.\n' > "$m/docs/NOTICE.txt"
printf '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" rx="12" fill="#143055"/><path d="M18 20h8v10h12V20h8v24h-8V36H26v8h-8z" fill="#fff"/></svg>\n' > "$m/images/logo.svg"
