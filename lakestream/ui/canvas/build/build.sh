#!/bin/sh
# Maintainer-only: rebuild ../dist from the exact pins in package-lock.json (npm ci), then check that
# the bundle imports nothing but `vue` (NiceGUI's import map provides it). Needs node + npm.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
out=../dist
mkdir -p "$out"
npx esbuild src/index.mjs --bundle --format=esm --minify --legal-comments=eof --external:vue \
  --define:process.env.NODE_ENV='"production"' --outfile="$out/index.js" --metafile=meta.json
# Every static or dynamic import in the bundle must name `vue`; anything else would 404 at run time.
imports=$(grep -oE '(from|import)\s*\(?"[^"]+"' "$out/index.js" | sed -E 's/.*"([^"]+)"/\1/' | sort -u)
for name in $imports; do
  if [ "$name" != "vue" ]; then
    echo "build.sh: the bundle imports '$name'; only 'vue' is allowed" >&2
    exit 1
  fi
done
# Licence notices of exactly the packages esbuild put in the bundle (from its metafile).
node -e '
const fs = require("fs"), path = require("path");
const meta = JSON.parse(fs.readFileSync("meta.json", "utf8"));
const dirs = new Set();
for (const input of Object.keys(meta.inputs)) {
  const m = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
  if (m) dirs.add(m[1]);
}
// The Vue Flow dist files inline their dependencies (@vueuse, d3-*), so list those too; vue is external.
const resolveDep = (from, dep) => {
  for (let d = from; ; d = path.dirname(d)) {
    const candidate = path.join(d, "node_modules", dep);
    if (fs.existsSync(path.join(candidate, "package.json"))) return candidate;
    if (d === "." || d === "/" || d === "") return null;
  }
};
const queue = [...dirs];
while (queue.length) {
  const dir = queue.pop();
  const deps = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).dependencies || {};
  for (const dep of Object.keys(deps)) {
    if (dep === "vue") continue;
    const found = resolveDep(dir, dep);
    if (found && !dirs.has(found)) { dirs.add(found); queue.push(found); }
  }
}
const seen = new Set();
let text = "Third-party software bundled in lakestream/ui/canvas/dist (written by build/build.sh).\n\n";
for (const dir of [...dirs].sort()) {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  if (seen.has(pkg.name + pkg.version)) continue;
  seen.add(pkg.name + pkg.version);
  const lic = ["LICENSE", "LICENSE.md", "license", "LICENSE.txt"].map(f => path.join(dir, f)).find(f => fs.existsSync(f));
  text += "=".repeat(72) + "\n" + pkg.name + " " + pkg.version + " (" + (pkg.license || "see text") + ")\n\n";
  text += lic ? fs.readFileSync(lic, "utf8").trim() + "\n\n" : "(no licence file shipped)\n\n";
}
fs.writeFileSync("../dist/THIRD_PARTY_NOTICES", text);
'
rm -f meta.json
ls -l "$out"
