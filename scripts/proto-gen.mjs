// Regenerates proto/generated/ from proto/wicket.proto: the TypeScript types with
// @grpc/proto-loader's type generator, and wicket.json, the parsed descriptor that
// proto/load.ts hands to the loader at run time (so no command parses the .proto text when it
// starts). `--check` writes to a temporary directory and fails when the committed files
// differ, so stale generated files cannot go unnoticed (a unit test runs it).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const outDir = check ? mkdtempSync(join(tmpdir(), 'wicket-proto-')) : join(root, 'proto', 'generated');

if (!check) rmSync(outDir, { recursive: true, force: true });
execFileSync(join(root, 'node_modules', '.bin', 'proto-loader-gen-types'), [
  '--longs=Number', '--enums=String', '--defaults', '--oneofs', '--includeComments',
  '--grpcLib=@grpc/grpc-js', '--importFileExtension=.js',
  '-I', join(root, 'proto'), '-O', outDir, 'wicket.proto',
], { stdio: 'inherit' });

// The descriptor as proto-loader's loadSync parses it (field names in camelCase: keepCase false).
const descriptor = new protobuf.Root().loadSync(join(root, 'proto', 'wicket.proto'), { keepCase: false });
descriptor.resolveAll();
writeFileSync(join(outDir, 'wicket.json'), `${JSON.stringify(descriptor.toJSON(), null, 1)}\n`);

// The generator writes the absolute path of the .proto into every file; make it relative so
// the output does not depend on where the checkout lives.
for (const f of files(outDir)) {
  const text = readFileSync(f, 'utf8');
  writeFileSync(f, text.split(join(root, 'proto', 'wicket.proto')).join('proto/wicket.proto'));
}

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

if (check) {
  const committed = join(root, 'proto', 'generated');
  const fresh = files(outDir).map((f) => relative(outDir, f)).sort();
  const old = files(committed).map((f) => relative(committed, f)).sort();
  const stale = fresh.filter((f) => old.indexOf(f) < 0 || readFileSync(join(outDir, f), 'utf8') !== readFileSync(join(committed, f), 'utf8'));
  const extra = old.filter((f) => fresh.indexOf(f) < 0);
  rmSync(outDir, { recursive: true, force: true });
  if (stale.length || extra.length) {
    console.error(`proto/generated is stale (${[...stale, ...extra].join(', ')}): run npm run proto:gen`);
    process.exit(1);
  }
  console.log('proto/generated is up to date');
}
