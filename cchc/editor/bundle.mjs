// Sveltia CMS for /admin/, bundled once per `npm ci` into a folder of static files that loads
// nothing from a CDN (the Makefile runs this after installing the pinned npm packages):
//
//   node cchc/editor/bundle.mjs [node_modules] [out]     (defaults: node_modules, node_modules/.cchc-admin)
//
// The package's own dist/sveltia-cms.js fetches its fonts from cdn.jsdelivr.net and code
// highlighting from unpkg.com. Its npm/ build is meant for bundlers instead: fonts and WebAssembly
// are files beside it (`new URL('assets/…', import.meta.url)`), locales and optional libraries are
// dynamic imports. esbuild bundles that build with these changes only:
// - every output file sits in one folder and the assets in assets/ below it, so each asset URL is
//   written as `./assets/…`, which resolves the same from the main module and from any chunk;
// - @sveltia/ui's style sheet, which also declares those fonts on cdn.jsdelivr.net, names the
//   same local files instead;
// - Day.js, its date library, reads day-first dates (07/03/2024 08:30) as the loader does, with
//   cchc/editor/ngay-viet.mjs, bundled first, instead of the browser's month-first guess;
// - the status pages of GitHub and GitLab, which it polls, are replaced by an empty answer (below);
// - the banner offering to switch to the browser's language, in that language, is never shown;
// - the Vietnamese locale is the package's vi.json completed by cchc/editor/sveltia-vi.json (every
//   missing key, and the values vi.json still has in English), checked key for key against en-US;
// - the grammars and themes of the code highlighter (@shikijs/langs, @shikijs/themes: 242
//   languages, for code blocks, which our forms do not use) are left out: one empty module stands
//   for all of them, and a code block is then shown without colours.
// The folder gets manifest.json: Sveltia's version, the hashes of its inputs in cchc/editor/ (this
// script, the locale completion, ngay-viet.mjs: cchc/editor/admin.py refuses a stale bundle), and
// every file with its size.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const NODE_MODULES = path.resolve(process.argv[2] ?? path.join(ROOT, 'node_modules'));
const OUT = path.resolve(process.argv[3] ?? path.join(NODE_MODULES, '.cchc-admin'));
const PACKAGE = path.join(NODE_MODULES, '@sveltia', 'cms');
const COMPLETION = path.join(HERE, 'sveltia-vi.json');
const ENTRY_NAME = 'sveltia-cms';
// What would be fetched from a CDN at run time; test_admin_bundle.py checks the same on the output.
const CDN = /https?:\/\/(?:unpkg\.com|cdn\.jsdelivr\.net|fonts\.googleapis\.com|fonts\.gstatic\.com|esm\.sh)/g;

const fail = (message) => {
  console.error(`bundle.mjs: ${message}`);
  process.exit(1);
};

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

const { build } = await import(path.join(NODE_MODULES, 'esbuild', 'lib', 'main.js')).catch(() =>
  fail(`esbuild not found in ${NODE_MODULES}: run npm ci first`),
);

const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE, 'package.json'), 'utf8'));

// -- The Vietnamese locale -------------------------------------------------------------------

const flatten = (node, prefix = '') =>
  Object.entries(node).flatMap(([key, value]) =>
    value && typeof value === 'object' ? flatten(value, `${prefix}${key}.`) : [[`${prefix}${key}`, value]],
  );

const setPath = (node, key, value) => {
  const parts = key.split('.');
  const last = parts.pop();
  let at = node;
  for (const part of parts) {
    at[part] ??= {};
    at = at[part];
  }
  at[last] = value;
};

// What a translation must keep: every {$name} placeholder and `code` span of the English text;
// in a MessageFormat 2 message (.input {$count :integer} .match $count 0 {{…}} one {{…}} * {{…}}),
// the same declarations, a catch-all * variant (Vietnamese needs no other, as vi.json shows),
// and no placeholder the English does not have.
const placeholders = (text) => [...text.matchAll(/\{\$[A-Za-z]+[^{}]*\}/g)].map((m) => m[0]).sort();
const codeSpans = (text) => [...text.matchAll(/`[^`]*`/g)].map((m) => m[0]).sort();
const header = (text) => text.slice(0, text.indexOf('{{'));
const variantKeys = (text) => [
  header(text).trim().split(/\s+/).pop(),
  ...[...text.matchAll(/\}\}\s*([^\s{}]+)\s*\{\{/g)].map((m) => m[1]),
];

const translationProblem = (ours, english) => {
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  if (!english.startsWith('.')) {
    if (!same(placeholders(ours), placeholders(english))) return `placeholders ${placeholders(english)}`;
    if (!same(codeSpans(ours), codeSpans(english))) return `code spans ${codeSpans(english)}`;
    return undefined;
  }
  const declarations = (text) => header(text).replace(/\s+\S+\s*$/, '').trim(); // without the first variant key
  if (declarations(ours) !== declarations(english)) return `declarations “${declarations(english)}”`;
  if (!variantKeys(ours).includes('*')) return 'no catch-all * variant';
  const allowed = new Set(placeholders(english));
  const extra = placeholders(ours).filter((p) => !allowed.has(p));
  return extra.length ? `placeholders not in English: ${extra}` : undefined;
};

const vietnamese = () => {
  const read = (name) => JSON.parse(fs.readFileSync(path.join(PACKAGE, 'locales', name), 'utf8'));
  const english = Object.fromEntries(flatten(read('en-US.json')));
  const merged = read('vi.json');
  const ours = JSON.parse(fs.readFileSync(COMPLETION, 'utf8'));
  const problems = [];
  for (const [key, value] of Object.entries(ours)) {
    if (key.startsWith('//')) continue; // notes for translators
    if (!(key in english)) {
      problems.push(`${key}: not a key of Sveltia ${pkg.version}'s en-US.json`);
    } else if (typeof value !== 'string' || !value.trim()) {
      problems.push(`${key}: empty`);
    } else if (translationProblem(value, english[key])) {
      problems.push(`${key}: must keep the English text's ${translationProblem(value, english[key])}`);
    } else {
      setPath(merged, key, value);
    }
  }
  const have = Object.fromEntries(flatten(merged));
  const missing = Object.keys(english).filter((key) => !(key in have));
  if (missing.length) {
    problems.push(`${missing.length} keys have no Vietnamese text: ${missing.join(', ')}`);
  }
  if (problems.length) fail(`${COMPLETION}:\n  ${problems.join('\n  ')}`);
  return merged;
};

const VI_JSON = JSON.stringify(vietnamese());

// -- esbuild ---------------------------------------------------------------------------------

const assets = new Set();
const ASSET_URL = /new URL\(`(?:\.\.\/)?assets\/([^`]+)`,import\.meta\.url\)/g;
// @sveltia/ui's global style sheet declares its fonts on jsDelivr too, as a fallback for a bundle
// that does not register the local files; those @font-face rules point at the same local files.
const CDN_FONT = /https:\/\/cdn\.jsdelivr\.net\/fontsource\/fonts\/([a-z0-9-]+)(?::vf)?@[0-9.]+\/([a-z0-9-]+)\.woff2/g;
const fontsFromCdn = [];
// Signed in to github.com or gitlab.com, Sveltia asks the service's public status page (Atlassian
// Statuspage, hostedstatus.com: third parties) every 5 minutes, to show a banner during an outage.
// It asks an empty answer instead, which it reads as "status unknown": no request, no banner.
const STATUS_PAGE = /https:\/\/www\.githubstatus\.com\/api\/v2\/status\.json|https:\/\/status-api\.hostedstatus\.com\/1\.0\/status\/[0-9a-f]+/g;
let statusPages = 0;
// Day.js reads a text it has no format for, such as 01/12/2026 08:30, with the browser's Date
// (month first: 12 January); cchc/editor/ngay-viet.mjs reads it day first, as the loader does.
const DAYJS_FALLBACK = /new Date\(r\[1\],i,r\[3\]\|\|1,r\[4\]\|\|0,r\[5\]\|\|0,r\[6\]\|\|0,a\)\}\}return new Date\(t\)\}/g;
let dayjsPatched = 0;
// Opened in a browser whose language Sveltia also speaks (English, say), it offers in a banner, in
// that language, to switch away from Vietnamese. The site's editors work in Vietnamese, and the
// banner is the one English sentence they would see; the language stays choosable in the settings.
const NEW_LANGUAGE_BANNER = /if\(await [A-Za-z0-9_$]+\(`newLanguageCta`\)\)return;/g;
let languageBanner = 0;

const offline = {
  name: 'cchc-offline',
  setup(b) {
    b.onLoad({ filter: /[\\/]@sveltia[\\/]cms[\\/]npm[\\/].*\.js$/ }, (args) => {
      const code = fs
        .readFileSync(args.path, 'utf8')
        .replace(ASSET_URL, (_, name) => {
          assets.add(name);
          return `new URL(\`./assets/${name}\`,import.meta.url)`;
        })
        .replace(DAYJS_FALLBACK, (found) => {
          dayjsPatched += 1;
          // Inside `if (typeof t == 'string' && …) { … }`, after Day.js's own ISO pattern.
          return found.replace('}}return new Date(t)}', '}var vn=globalThis.cchcNgayViet?.(t,n);if(vn)return vn}return new Date(t)}');
        })
        .replace(NEW_LANGUAGE_BANNER, () => {
          languageBanner += 1;
          return 'return;';
        })
        .replace(STATUS_PAGE, () => {
          statusPages += 1;
          return 'data:application/json,{}';
        })
        .replace(CDN_FONT, (url, family, subset) => {
          const name = fs
            .readdirSync(path.join(PACKAGE, 'npm', 'assets'))
            .find((file) => file.startsWith(`${family}-${subset}-`) && file.endsWith('.woff2'));
          if (!name) fail(`no local file for the font ${url}`);
          assets.add(name);
          fontsFromCdn.push(url);
          return `assets/${name}`; // in a <style> of the page, so relative to /admin/
        });
      return { contents: code, loader: 'js' };
    });
    b.onLoad({ filter: /[\\/]@sveltia[\\/]cms[\\/]locales[\\/]vi\.json$/ }, () => ({
      contents: VI_JSON,
      loader: 'json',
    }));
    b.onResolve({ filter: /^cchc-entry$/ }, () => ({ path: 'cchc-entry', namespace: 'cchc-entry' }));
    b.onLoad({ filter: /.*/, namespace: 'cchc-entry' }, () => ({
      // Day-first dates first, then Sveltia (its exports too: khoi-dong.js calls init()).
      contents: [
        `import ${JSON.stringify(path.join(HERE, 'ngay-viet.mjs'))};`,
        `export * from ${JSON.stringify(path.join(PACKAGE, 'npm', 'index.js'))};`,
        `export { default } from ${JSON.stringify(path.join(PACKAGE, 'npm', 'index.js'))};`,
      ].join('\n'),
      resolveDir: PACKAGE,
      loader: 'js',
    }));
    b.onResolve({ filter: /^@shikijs\/(langs|themes)\// }, () => ({
      path: 'code-highlighting-left-out',
      namespace: 'cchc-empty',
    }));
    b.onLoad({ filter: /.*/, namespace: 'cchc-empty' }, () => ({
      contents: 'export default undefined;',
      loader: 'js',
    }));
  },
};

fs.rmSync(OUT, { recursive: true, force: true });
const staging = `${OUT}.tmp`;
fs.rmSync(staging, { recursive: true, force: true });

const result = await build({
  absWorkingDir: PACKAGE,
  entryPoints: { [ENTRY_NAME]: 'cchc-entry' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  outdir: staging,
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  minify: true,
  charset: 'utf8',
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
  plugins: [offline],
}).catch(() => fail('esbuild failed (messages above)'));

if (![...assets].some((name) => name.endsWith('.woff2')) || fontsFromCdn.length !== 3 || statusPages !== 2
    || dayjsPatched !== 1 || languageBanner !== 1) {
  fail(`fonts, status pages, Day.js's parser or the language banner not found as expected in ${PACKAGE}/npm/index.js: ` +
       `Sveltia ${pkg.version} changed; see the changes listed at the top of bundle.mjs`);
}

// -- Assets, licences, checks, manifest ------------------------------------------------------

const assetDir = path.join(staging, 'assets');
fs.mkdirSync(assetDir, { recursive: true });
const copy = (from, name) => fs.copyFileSync(from, path.join(assetDir, name));
for (const name of assets) copy(path.join(PACKAGE, 'npm', 'assets', name), name);
// The HEIC worker is started from an asset URL and loads its WebAssembly beside itself.
for (const name of fs.readdirSync(path.join(PACKAGE, 'npm', 'assets'))) {
  if (name.endsWith('.LICENSE.txt')) copy(path.join(PACKAGE, 'npm', 'assets', name), name);
}
fs.copyFileSync(path.join(PACKAGE, 'LICENSE.txt'), path.join(staging, `${ENTRY_NAME}.LICENSE.txt`));

const files = fs
  .readdirSync(staging, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => path.relative(staging, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
  .sort();

const problems = [];
for (const name of files.filter((f) => f.endsWith('.js'))) {
  const code = fs.readFileSync(path.join(staging, name), 'utf8');
  for (const [, asset] of code.matchAll(/new URL\(`(?:\.\/)?assets\/([^`]+)`/g)) {
    if (!files.includes(`assets/${asset}`)) problems.push(`${name} refers to assets/${asset}, which is missing`);
  }
  for (const [, asset] of code.matchAll(/new URL\(`([^`/]+\.(?:wasm|js))`,import\.meta\.url\)/g)) {
    const beside = path.posix.join(path.posix.dirname(name), asset);
    if (!files.includes(beside)) problems.push(`${name} refers to ${asset} beside it, which is missing`);
  }
  if (/\bimport\(\s*[`"'](?!\.\/)/.test(code)) {
    problems.push(`${name} still imports a bare module specifier`);
  }
}
if (problems.length) fail(problems.join('\n'));

const manifest = {
  '//': 'Written by cchc/editor/bundle.mjs; cchc/editor/admin.py copies these files into site/admin/.',
  sveltia: pkg.version,
  esbuild: JSON.parse(fs.readFileSync(path.join(NODE_MODULES, 'esbuild', 'package.json'), 'utf8')).version,
  entry: `${ENTRY_NAME}.js`,
  inputs: {
    'cchc/editor/bundle.mjs': sha256(fs.readFileSync(fileURLToPath(import.meta.url))),
    'cchc/editor/sveltia-vi.json': sha256(fs.readFileSync(COMPLETION)),
    'cchc/editor/ngay-viet.mjs': sha256(fs.readFileSync(path.join(HERE, 'ngay-viet.mjs'))),
  },
  files: Object.fromEntries(files.map((name) => [name, fs.statSync(path.join(staging, name)).size])),
};
fs.writeFileSync(path.join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
fs.renameSync(staging, OUT);

const total = Object.values(manifest.files).reduce((a, b) => a + b, 0);
const cdn = files
  .filter((f) => f.endsWith('.js'))
  .flatMap((f) => [...fs.readFileSync(path.join(OUT, f), 'utf8').matchAll(CDN)].map((m) => m[0]));
console.log(
  `Sveltia CMS ${pkg.version} → ${path.relative(process.cwd(), OUT) || OUT}: ${files.length} files, ` +
    `${(total / 1e6).toFixed(1)} MB (CDN address strings left, none fetched: ${cdn.length}); ` +
    `${Object.keys(result.metafile.outputs).length} esbuild outputs`,
);
