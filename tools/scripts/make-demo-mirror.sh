#!/usr/bin/env bash
# Re-creates the files the demo's local mirror serves (apps/demo/mirror/), byte for byte: the
# content is fixed and the archives are built without timestamps or owners, so the checksums in
# apps/demo/artifacts.lock.yaml stay valid. Run from the repository root.
set -euo pipefail
m=apps/demo/mirror
rm -rf "$m" apps/demo/mirror-private && mkdir -p "$m"/{releases,data,docs,images}

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

# A Maven repository (standard layout) with a jar, its pom and sources, a parent pom and a zip.
python3 - "$m/maven2" "apps/demo/mirror-private/maven2" <<'PY'
import hashlib, os, sys, zipfile

def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data)

def jar(entries):
    # Fixed timestamps and order: the same bytes every time.
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, text in entries:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            z.writestr(info, text)
    return buf.getvalue()

def pom(group, artifact, version, packaging='jar', parent=None):
    p = f'  <parent><groupId>{parent[0]}</groupId><artifactId>{parent[1]}</artifactId><version>{parent[2]}</version></parent>\n' if parent else ''
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">\n  <modelVersion>4.0.0</modelVersion>\n{p}'
            f'  <groupId>{group}</groupId>\n  <artifactId>{artifact}</artifactId>\n  <version>{version}</version>\n  <packaging>{packaging}</packaging>\n</project>\n').encode()

def publish(repo, group, artifact, version, classifier, ext, data, sidecars=True):
    name = f'{artifact}-{version}' + (f'-{classifier}' if classifier else '') + f'.{ext}'
    path = os.path.join(repo, *group.split('.'), artifact, version, name)
    write(path, data)
    if sidecars:
        write(path + '.sha1', hashlib.sha1(data).hexdigest().encode())
        write(path + '.sha256', hashlib.sha256(data).hexdigest().encode())

repo, private = sys.argv[1], sys.argv[2]
g = 'org.hermetic.demo'
publish(repo, g, 'demo-parent', '1.0.0', '', 'pom', pom(g, 'demo-parent', '1.0.0', 'pom'))
publish(repo, g, 'greeting', '1.0.0', '', 'pom', pom(g, 'greeting', '1.0.0', parent=(g, 'demo-parent', '1.0.0')))
publish(repo, g, 'greeting', '1.0.0', '', 'jar', jar([('META-INF/MANIFEST.MF', 'Manifest-Version: 1.0\n'), ('org/hermetic/demo/greeting.txt', 'Hello from a verified jar.\n')]))
publish(repo, g, 'greeting', '1.0.0', 'sources', 'jar', jar([('org/hermetic/demo/Greeting.java', 'package org.hermetic.demo;\npublic final class Greeting { public static String text() { return "Hello"; } }\n')]))
publish(repo, g, 'assets', '1.0.0', 'bundle', 'zip', jar([('assets/readme.txt', 'Static assets shipped as a zip (Maven type "zip").\n')]), sidecars=False)
publish(private, g, 'private-lib', '1.0.0', '', 'jar', jar([('META-INF/MANIFEST.MF', 'Manifest-Version: 1.0\n'), ('private.txt', 'Only with credentials.\n')]))
PY

# A file only the demo-worker project uses.
printf '{\n  "workers": 4,\n  "queue": "jobs"\n}\n' > "$m/data/worker-config.json"
