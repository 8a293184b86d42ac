// Builds every front end into widget/dist:
//   widget.js          the loader (IIFE, tiny, no dependencies)
//   chat.js + chunks   the visitor chat (ES module, loaded by the loader; markdown is a lazy chunk)
//   console/           the agent console (SPA served at /console)
//   index.html         the demo page
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { build, type InlineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(here, 'dist');
const common: InlineConfig = {
  configFile: false,
  logLevel: 'warn',
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
};

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await build({
  ...common,
  build: {
    outDir: dist,
    emptyOutDir: false,
    target: 'es2019',
    minify: true,
    lib: { entry: resolve(here, 'src/loader/index.ts'), formats: ['iife'], name: 'BatonLoader', fileName: () => 'widget.js' },
  },
});

// Not lib mode: lib mode keeps whitespace in ES output. An app build with one entry that keeps
// its exports (`mount`) minifies fully and still code-splits the markdown chunk.
await build({
  ...common,
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false })],
  build: {
    outDir: dist,
    emptyOutDir: false,
    target: 'es2020',
    minify: true,
    modulePreload: false,
    rollupOptions: {
      input: resolve(here, 'src/visitor/main.tsx'),
      preserveEntrySignatures: 'exports-only',
      output: { format: 'es', entryFileNames: 'chat.js', chunkFileNames: 'chat-[name]-[hash].js' },
    },
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
console.log(`built widget, chat, console and demo page into ${dist}`);
