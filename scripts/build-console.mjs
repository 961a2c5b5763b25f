// Bundles the console's front end (controller/console/web) with esbuild and copies its
// stylesheets into DIST/controller/console/assets for each build directory given
// (`node scripts/build-console.mjs dist dist-dev`). Nothing is fetched at run time: the
// controller serves these files itself.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// Paths below are the repository's, wherever this is started from.
process.chdir(join(dirname(fileURLToPath(import.meta.url)), '..'));

const outRoots = process.argv.slice(2);
if (outRoots.length === 0) {
  console.error('usage: node scripts/build-console.mjs OUTDIR...');
  process.exit(2);
}
for (const root of outRoots) {
  const assets = join(root, 'controller', 'console', 'assets');
  mkdirSync(assets, { recursive: true });
  await build({
    entryPoints: ['controller/console/web/console.ts'], bundle: true, minify: true, format: 'iife',
    target: ['chrome120', 'firefox120', 'safari16'], outfile: join(assets, 'console.js'), logLevel: 'warning',
  });
  copyFileSync('controller/console/web/console.css', join(assets, 'console.css'));
  copyFileSync('node_modules/uplot/dist/uPlot.min.css', join(assets, 'uPlot.min.css'));
}
