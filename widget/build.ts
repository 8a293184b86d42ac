// Builds every front end into widget/dist:
//   widget.js                the loader (IIFE, tiny, no dependencies; its name is in every site's tag)
//   chat-HASH.js             the visitor chat with its Markdown (ES module, loaded by the loader when the chat opens)
//   chat-i18n-more-HASH.js   the catalogs of the less common languages, loaded only for them
//   chat-voice-HASH.js       voice mode and the call (issue 18), loaded on the first mic press or call
//   console/                 the agent console (SPA served at /console)
//   index.html               the demo page
// and beside every text file its brotli (.br) and gzip (.gz) copy, which the server picks by the
// request's Accept-Encoding: compressing once here costs nothing per request.
import { readdirSync, readFileSync, rmSync, mkdirSync, copyFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import preact from '@preact/preset-vite';
import { build, type InlineConfig, type Rollup } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(here, 'dist');
const common: InlineConfig = {
  configFile: false,
  logLevel: 'warn',
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
};

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

// The chat first: the loader is built with the chat's content-hashed name in it. Not lib mode:
// lib mode keeps whitespace in ES output.
// es2022 keeps class fields native (es2020 added a shared helper chunk: one more request).
const chatBuild = (await build({
  ...common,
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false })],
  build: {
    outDir: dist,
    emptyOutDir: false,
    target: 'es2022',
    minify: true,
    modulePreload: false,
    rollupOptions: {
      input: { chat: resolve(here, 'src/visitor/main.tsx') },
      preserveEntrySignatures: 'exports-only',
      output: {
        format: 'es',
        entryFileNames: (chunk) => (chunk.name === 'chat' ? 'chat-[hash].js' : 'chat-[name]-[hash].js'),
        chunkFileNames: 'chat-[name]-[hash].js',
      },
    },
  },
})) as Rollup.RollupOutput;
const chunks = chatBuild.output.filter((o): o is Rollup.OutputChunk => o.type === 'chunk');
const entry = (name: string) => chunks.find((c) => c.isEntry && c.name === name)!.fileName;
// A chunk the chat imports statically would be fetched late (the loader preloads only the chat);
// a chunk imported on demand (the catalogs of the other languages) is meant to be.
if (chunks.filter((c) => c.isEntry).length !== 1 || chunks.some((c) => !c.isEntry && !c.isDynamicEntry)) {
  throw new Error(`expected the chat (and on-demand chunks) only, got ${chunks.map((c) => c.fileName).join(', ')}`);
}

await build({
  ...common,
  define: { ...common.define, __BATON_CHAT__: JSON.stringify(entry('chat')) },
  build: {
    outDir: dist,
    emptyOutDir: false,
    target: 'es2022',
    minify: true,
    lib: { entry: resolve(here, 'src/loader/index.ts'), formats: ['iife'], name: 'BatonLoader', fileName: () => 'widget.js' },
  },
});

await build({
  ...common,
  root: resolve(here, 'console'),
  base: '/console/',
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false })],
  build: { outDir: resolve(dist, 'console'), emptyOutDir: false, target: 'es2020' },
});

copyFileSync(resolve(here, 'demo/index.html'), resolve(dist, 'index.html'));
copyFileSync(resolve(here, 'demo/demo.css'), resolve(dist, 'demo.css'));

const COMPRESSIBLE = /\.(js|css|html|svg|json|map|txt)$/;
const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
let files = 0;
for (const file of walk(dist).filter((f) => COMPRESSIBLE.test(f))) {
  const raw = readFileSync(file);
  const br = brotliCompressSync(raw, {
    params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT },
  });
  const gz = gzipSync(raw, { level: 9 });
  // A copy that is not smaller is not worth a header.
  if (br.length < raw.length) writeFileSync(`${file}.br`, br);
  if (gz.length < raw.length) writeFileSync(`${file}.gz`, gz);
  files += 1;
}
console.log(`built widget, chat, console and demo page into ${dist} (${files} files with brotli and gzip copies)`);
