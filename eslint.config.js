// Lint configuration: typescript-eslint's recommended rules over the TypeScript sources, plus
// the architecture's import boundaries (which folder may import which) and a ban on import
// cycles, so that `npm run lint` fails when a change crosses a boundary.
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

// import-x/no-cycle skips `import type`, but the cycles this codebase has had were type-level
// (client/api.ts → agent.ts → session.ts → api.ts): they still tie the files into one unit that
// cannot be read or moved apart. This parser reads TypeScript as usual and then marks every
// import as a value import, so the cycle check sees type edges too. Scope analysis has already
// run when the marks change, and no rule enabled here reads them otherwise.
const typeImportsAsEdges = {
  meta: { name: 'type-imports-as-edges' },
  parseForESLint(code, options) {
    const result = tseslint.parser.parseForESLint(code, options);
    for (const node of result.ast.body) {
      if (node.type !== 'ImportDeclaration') continue;
      node.importKind = 'value';
      for (const specifier of node.specifiers) {
        if (specifier.type === 'ImportSpecifier') specifier.importKind = 'value';
      }
    }
    return result;
  },
};

// The application folders; bench/, scripts/ and test/ are tooling around them.
const APPS = ['controller', 'gateway', 'client', 'common', 'proto'];

// Folder zones that hold for every file, tests included: a test beside a module exercises that
// module through what its own side of the boundary may see.
const boundaries = [
  // The three programs ship and run apart; what they share lives in common/ or the proto.
  {
    target: 'client',
    from: ['controller', 'gateway'],
    message: 'client/ talks to the controller over gRPC only; shared code belongs in common/.',
  },
  {
    target: 'gateway',
    from: ['controller', 'client'],
    message: 'gateway/ talks to the controller over gRPC only; shared code belongs in common/.',
  },
  {
    target: 'controller',
    from: ['client', 'gateway'],
    message: 'controller/ talks to clients and gateways over gRPC only; shared code belongs in common/.',
  },
  // Shared code is shared because it depends on none of its users.
  {
    target: ['common', 'proto'],
    from: ['controller', 'gateway', 'client'],
    message: 'common/ and proto/ are used by all three programs and may import none of them.',
  },
  // Transport sits on top of the controller's domain code: domain logic that reached into api/
  // would be tied to gRPC. Where a feature meets transport is by design transport-facing: its
  // RPC adapters (*-handlers.ts: authorize, validate, adapt to grpc-js), its wiring (module.ts:
  // hands its handlers to the servers) and the composition root (app/). Those may import api/;
  // everything else (session manager, login, enrollment, access, metrics, ...) may not.
  {
    target: ['controller/*.ts', 'controller/!(api|app|cli)/**/!(*-handlers|module).ts'],
    from: ['controller/api/**'],
    message: 'Domain code never imports controller/api/; only RPC adapters (*-handlers.ts), feature wiring (module.ts) and controller/app/ may.',
  },
  // The command line is the outermost layer: it starts the composition root and talks to a
  // controller as a gRPC client; nothing it holds is a dependency of the controller itself.
  {
    target: ['controller/*.ts', 'controller/!(cli)/**'],
    from: ['controller/cli/**'],
    message: 'Nothing in controller/ but controller/cli/ imports controller/cli/.',
  },
  // The composition root knows every feature; a feature that imported it would depend on all
  // the others. Features declare what they need (narrow deps) and app/ passes it in.
  {
    target: ['controller/*.ts', 'controller/!(app|cli)/**'],
    from: ['controller/app/**'],
    message: 'Only controller/cli/ imports controller/app/ (the composition root); a feature declares the deps it needs instead.',
  },
  // The console's browser code runs in the browser: it can reach the server only over HTTP.
  {
    target: 'controller/console/web',
    from: ['controller/!(console)/**', 'controller/*.ts', 'controller/console/!(web)/**', 'controller/console/*.ts', 'common/**', 'proto/**', 'client/**', 'gateway/**'],
    message: 'controller/console/web/ is browser code: it imports only its own files and browser packages (uplot).',
  },
  // The console is a client of the Admin API: it reaches the controller's rules through it,
  // never by importing the features that implement them (only login, for sign-in).
  {
    target: 'controller/console',
    from: ['controller/!(console|auth)/**'],
    message: 'controller/console/ calls the Admin API as the signed-in admin; it implements no rule and imports no feature but auth/ (sign-in).',
  },
];

// Zones for shipped code only: test support must not become a runtime dependency.
const productionOnly = [
  {
    target: APPS,
    from: ['test'],
    message: 'Production code never imports test support.',
  },
  {
    target: APPS.map((app) => `${app}/**`),
    from: ['**/*.fake.ts'],
    message: 'Fakes are for tests; production code takes the real implementation.',
  },
];

// The policy engine is pure so that it can be evaluated, explained and property-tested without a
// filesystem, a database or a network.
const IO_MODULES = [
  'fs', 'node:fs', 'fs/promises', 'node:fs/promises',
  'child_process', 'node:child_process',
  'better-sqlite3', '@grpc/grpc-js',
].map((name) => ({ name, message: 'controller/policy/ is the pure engine: no I/O.' }));

const TESTS = ['**/*.test.ts', '**/*.fake.ts', 'test/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'dist-dev/**', 'node_modules/**', 'proto/generated/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // The store is asynchronous: a store call that is not awaited would let a write fail
  // silently or land after the code that depends on it. These rules need type information.
  {
    files: ['**/*.ts'],
    ignores: ['controller/console/web/**'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'before', 'after', 'beforeEach', 'afterEach'] }],
      }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['controller/console/web/**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.web.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: typeImportsAsEdges },
    plugins: { 'import-x': importX },
    settings: {
      // Without this import-x reads only JavaScript files, and an import cycle through .ts files
      // would go unseen. Dependencies are parsed with the parser above, so their type imports
      // are edges too.
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      // Packages and generated proto types import nothing of ours, so no cycle passes through
      // them; not reading them keeps the cycle check fast.
      'import-x/ignore': ['/node_modules/', '/proto/generated/'],
      // Resolves `./x.js` to `./x.ts` the way tsc does, so every relative import is an edge.
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones: boundaries }],
    },
  },
  {
    files: APPS.map((app) => `${app}/**/*.ts`),
    ignores: TESTS,
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: [...boundaries, ...productionOnly] }],
    },
  },
  {
    files: ['controller/policy/**/*.ts'],
    ignores: TESTS,
    rules: {
      'no-restricted-imports': ['error', { paths: IO_MODULES }],
    },
  },
);
