// Preflight for `npm run demo` and `npm test` on a fresh clone (plain JavaScript, no
// dependencies, so it runs before `npm ci`): checks Node, root, the system tools (installing
// the missing Debian/Ubuntu packages with apt-get after saying so, printing the exact
// commands elsewhere), TUN and nftables; then runs `npm ci` when node_modules is missing or
// older than the lock file, and builds dist/ (tsc and the console's bundle) when it is missing
// or older than a source (for `test`, also the tests' build, dist-dev/).
// Usage: node scripts/bootstrap.mjs demo|test. Everything it prints goes to stderr, so that
// `npm run -s demo -- --json` keeps stdout for the summary.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mode = process.argv[2] === 'test' ? 'test' : 'demo';
const say = (s) => process.stderr.write(`bootstrap: ${s}\n`);
const problems = [];

/** Runs a command with its output on stderr; returns its exit status. */
function run(cmd, args) {
  return spawnSync(cmd, args, { cwd: root, stdio: ['inherit', 2, 2] }).status ?? 1;
}
const has = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;

// Node: package.json's engines.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) problems.push(`Node ${process.versions.node} is too old: Wicket needs Node >= 20.19`);

const isRoot = process.getuid?.() === 0;
if (!isRoot) {
  const msg = 'not root: the demo and the end-to-end tests build network namespaces and WireGuard interfaces';
  if (mode === 'demo') problems.push(`${msg}; run: sudo npm run demo`);
  else say(`${msg}; they will be reported as not run (run as root, or set WICKET_SKIP_E2E=1 to skip them on purpose)`);
}

// System tools. wireguard-go is only needed where the kernel has no WireGuard module.
const kernelWireGuard = existsSync('/sys/module/wireguard');
const tools = ['wg', 'nft', 'ip', 'conntrack', ...(kernelWireGuard ? [] : ['wireguard-go'])];
let missing = tools.filter((t) => !has(t));
if (missing.length > 0 && isRoot) {
  if (has('apt-get')) {
    say(`missing ${missing.join(', ')}: installing the Debian packages with apt-get (scripts/install-deps.sh)`);
    if (run('bash', [join(root, 'scripts', 'install-deps.sh')]) !== 0) problems.push('scripts/install-deps.sh failed (see above)');
    missing = tools.filter((t) => !has(t));
  }
}
if (missing.length > 0) problems.push(`missing ${missing.join(', ')}; install with:\n  ${installCommand()}`);

/** The exact install command for this distribution (from /etc/os-release). */
function installCommand() {
  const release = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  const ids = [...release.matchAll(/^ID(?:_LIKE)?=(.*)$/gm)].map((m) => m[1].replace(/"/g, '')).join(' ');
  const wgGo = kernelWireGuard ? '' : ' (no WireGuard kernel module here: also install wireguard-go, https://git.zx2c4.com/wireguard-go, or load the module: modprobe wireguard)';
  if (/debian|ubuntu/.test(ids)) return 'sudo apt-get install -y --no-install-recommends wireguard-tools wireguard-go nftables iproute2 conntrack iperf3';
  if (/fedora|rhel|centos/.test(ids)) return `sudo dnf install -y wireguard-tools nftables iproute conntrack-tools iperf3${wgGo}`;
  if (/arch/.test(ids)) return `sudo pacman -S --needed wireguard-tools nftables iproute2 conntrack-tools iperf3${wgGo}`;
  if (/suse/.test(ids)) return `sudo zypper install -y wireguard-tools nftables iproute2 conntrack-tools iperf3${wgGo}`;
  if (/alpine/.test(ids)) return `apk add wireguard-tools nftables iproute2 conntrack-tools iperf3${wgGo}`;
  return `your package manager: wireguard-tools, nftables, iproute2, conntrack-tools${wgGo}`;
}

// TUN (wireguard-go's data plane) and nftables (the gateway's enforcement), when we can check.
if (!kernelWireGuard && !existsSync('/dev/net/tun')) {
  problems.push('no /dev/net/tun (wireguard-go needs it): run `modprobe tun`, or in a container start it with `--device /dev/net/tun --cap-add NET_ADMIN`');
}
if (isRoot && missing.length === 0 && spawnSync('nft', ['list', 'tables'], { stdio: 'ignore' }).status !== 0) {
  problems.push('`nft list tables` fails: load nftables with `modprobe nf_tables` (in a container: --cap-add NET_ADMIN)');
}

if (problems.length > 0) {
  for (const p of problems) say(p);
  process.exit(1);
}

// npm packages: `npm ci` when node_modules is missing or older than the lock file.
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);
const installed = mtime(join(root, 'node_modules', '.package-lock.json'));
// A symlinked node_modules is another checkout's (a git worktree sharing it): `npm ci` would
// empty the directory it points to, under that checkout's feet, so it is left alone.
if (lstatSync(join(root, 'node_modules'), { throwIfNoEntry: false })?.isSymbolicLink()) {
  if (installed < mtime(join(root, 'package-lock.json'))) say('node_modules is a symlink to another checkout: not running npm ci over it');
} else if (installed === 0 || installed < mtime(join(root, 'package-lock.json'))) {
  say(installed === 0 ? 'node_modules missing: npm ci' : 'package-lock.json changed: npm ci');
  if (run('npm', ['ci', '--no-audit', '--no-fund']) !== 0) {
    say('npm ci failed (see above)');
    process.exit(1);
  }
}

// Builds: dist/ (what bin/* and the demo run) when it is missing or a source is newer than
// the last build; for `test`, dist-dev/ (the tests, with the code they import) likewise. Each
// build is tsc plus the console's browser bundle (scripts/build-console.mjs), whose sources
// include its stylesheet.
const SOURCES = ['controller', 'gateway', 'client', 'common', 'proto', 'test', 'bench', 'scripts'];
const newest = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
  const p = join(dir, e.name);
  if (e.isDirectory()) return Math.max(m, newest(p));
  return e.name.endsWith('.ts') || e.name.endsWith('.css') ? Math.max(m, statSync(p).mtimeMs) : m;
}, 0);
const sourceTime = Math.max(
  ...['tsconfig.json', 'tsconfig.build.json'].map((f) => mtime(join(root, f))),
  ...SOURCES.filter((d) => existsSync(join(root, d))).map((d) => newest(join(root, d))),
);

/** Runs `tsc -p config` and bundles the console into `outDir` when either is missing or older than the sources. */
function build(config, outDir) {
  // The marker is tsc's incremental build file, written by every build that changed anything.
  const marker = join(root, outDir, config === 'tsconfig.json' ? 'tsconfig.tsbuildinfo' : 'tsconfig.build.tsbuildinfo');
  const bundle = join(root, outDir, 'controller', 'console', 'assets', 'console.js');
  if (mtime(marker) >= sourceTime && mtime(bundle) >= sourceTime) return;
  say(existsSync(marker) ? `sources changed since the last build: tsc -p ${config} (${outDir}/)` : `no build yet: tsc -p ${config} (${outDir}/)`);
  if (run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config]) !== 0) {
    if (!existsSync(marker)) process.exit(1);
    say('the TypeScript build reported errors (see above); continuing with what it emitted');
  }
  if (run(process.execPath, [join(root, 'scripts', 'build-console.mjs'), outDir]) !== 0) {
    say('bundling the console failed (see above)');
    process.exit(1);
  }
}

build('tsconfig.build.json', 'dist');
if (mode === 'test') build('tsconfig.json', 'dist-dev');
