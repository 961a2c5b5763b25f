// Every command line the README and docs/*.md show in code blocks must exist as written:
// this extracts each `wicket`, `wicketctl`, `wicket-controller`, `wicket-gateway` (and
// `npm run demo -- …`) invocation, walks its command path through the real programs'
// `--help` output, and fails naming the file and line of any subcommand or flag that does
// not exist. The first tests run the checker on made-up lines, so it is shown to fail.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The documented programs and how to run each one's `--help`. */
const PROGRAMS: Record<string, string> = {
  wicket: join(ROOT, 'bin', 'wicket'),
  wicketctl: join(ROOT, 'bin', 'wicketctl'),
  'wicket-controller': join(ROOT, 'bin', 'wicket-controller'),
  'wicket-gateway': join(ROOT, 'bin', 'wicket-gateway'),
  demo: join(ROOT, 'dist', 'scripts', 'demo.js'),
};
/** Code blocks that hold command lines (shell sessions, plain blocks, systemd units). */
const COMMAND_BLOCKS = new Set(['', 'sh', 'bash', 'shell', 'console', 'text', 'ini', 'systemd']);

interface DocCommand {
  where: string;
  program: string;
  words: string[];
  /** A segment like `user list` after `wicketctl …; ` that only counts when its first word is a subcommand. */
  continuation: boolean;
}

/** Splits a shell-like line into words, honouring quotes. */
function tokenize(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** The words after the program name, or undefined when the segment does not run one. */
function invocation(words: string[]): { program: string; words: string[] } | undefined {
  let i = 0;
  const skip = () => {
    const w = (words[i] ?? '').replace(/^ExecStart=/, '');
    if (['$', '#', 'sudo', 'env', 'exec', 'npx', 'node'].includes(w) || /^[A-Z_][A-Z0-9_]*=/.test(w) || /(^|\/)node$/.test(w)) return 1;
    if (w === 'ip' && words[i + 1] === 'netns' && words[i + 2] === 'exec') return 4;
    return 0;
  };
  for (let n = skip(); n > 0; n = skip()) i += n;
  const first = (words[i] ?? '').replace(/^ExecStart=/, '');
  if (first === 'npm' && words[i + 1] === 'run') {
    const rest = words.slice(i + 2).filter((w) => w !== '-s');
    if (rest[0] !== 'demo') return undefined;
    const dash = rest.indexOf('--');
    return { program: 'demo', words: dash < 0 ? [] : rest.slice(dash + 1) };
  }
  const program = basename(first);
  return program in PROGRAMS && program !== 'demo' ? { program, words: words.slice(i + 1) } : undefined;
}

/** Every command line in a markdown document's command code blocks. */
function extractCommands(markdown: string, file: string): DocCommand[] {
  const found: DocCommand[] = [];
  let lang: string | undefined;
  const lines = markdown.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const fence = /^\s*```\s*([\w-]*)/.exec(lines[n]!);
    if (fence) {
      lang = lang === undefined ? fence[1]! : undefined;
      continue;
    }
    if (lang === undefined || !COMMAND_BLOCKS.has(lang)) continue;
    const start = n;
    let text = lines[n]!;
    while (text.endsWith('\\') && n + 1 < lines.length) text = text.slice(0, -1) + ' ' + lines[++n]!;
    text = text.replace(/(^|\s)#(?!!).*$/, '');
    let previous: string | undefined;
    for (const segment of text.split(/ \| |;|&&|\|\|/)) {
      const words = tokenize(segment);
      const inv = invocation(words);
      if (inv) {
        found.push({ where: `${file}:${start + 1}`, ...inv, continuation: false });
        previous = inv.program;
      } else if (previous && words.length > 0) {
        found.push({ where: `${file}:${start + 1}`, program: previous, words, continuation: true });
      }
    }
  }
  return found;
}

interface Help {
  usage: string;
  /** Option name (`--json`, `-h`) -> whether it takes a value. */
  options: Map<string, boolean>;
  commands: Set<string>;
  /** The command takes positional arguments of its own. */
  positional: boolean;
}

/** Parses commander's help output. */
function parseHelp(text: string): Help {
  const usage = /^Usage: (.*)$/m.exec(text)?.[1] ?? '';
  const options = new Map<string, boolean>();
  const commands = new Set<string>();
  let section = '';
  for (const line of text.split('\n')) {
    if (/^\S.*:$/.test(line)) section = line;
    const opt = /^ {2}(-[^ ]*(?:, -[^ ]*)*)(?: ([<[]))?/.exec(line);
    if (section === 'Options:' && opt) for (const name of opt[1]!.split(', ')) options.set(name, opt[2] !== undefined);
    const cmd = /^ {2}([a-z][\w-]*)/.exec(line);
    if (section === 'Commands:' && cmd) commands.add(cmd[1]!);
  }
  const positional = /<[^>]+>|\[(?!options\]|command\])[^\]]+\]/.test(usage.replace(/^\S+( [a-z][\w-]*)*/, ''));
  return { usage, options, commands, positional };
}

const helps = new Map<string, Promise<Help>>();
const run = promisify(execFile);

/** `--help` of a command path (`['wicketctl', 'session', 'revoke']`), cached. */
function helpOf(path: string[]): Promise<Help> {
  const key = path.join(' ');
  if (!helps.has(key)) {
    helps.set(key, run(process.execPath, [PROGRAMS[path[0]!]!, ...path.slice(1), '--help'], { cwd: ROOT, timeout: 120_000 })
      .then((r) => parseHelp(r.stdout)));
  }
  return helps.get(key)!;
}

/** Placeholders that stand for any subcommand or argument (`COMMAND`, `<cmd>`, `...`). */
const isPlaceholder = (w: string) => /^([A-Z][A-Z0-9_:.-]*|<.*>|\.\.\.|…)$/.test(w);

/** Expands `a|b` alternatives and strips optional-syntax brackets: one word list per variant. */
function variants(words: string[]): string[][] {
  return words.reduce<string[][]>((acc, raw) => {
    const w = raw.replace(/^[[{(]+|[\]})]+$/g, '');
    if (w === '') return acc;
    const alts = w.includes('|') && !w.startsWith('<') ? w.split('|').filter(Boolean) : [w];
    return acc.flatMap((prefix) => alts.map((a) => [...prefix, a]));
  }, [[]]);
}

/** Checks one documented command line; returns what is wrong with it (empty when it all exists). */
async function checkCommand(c: DocCommand): Promise<string[]> {
  const problems: string[] = [];
  if (c.continuation && !(await helpOf([c.program])).commands.has(c.words[0]!.replace(/^[[{(]+/, '').split('|')[0]!)) return [];
  for (const words of variants(c.words)) {
    const path = [c.program];
    const seen: Help[] = [await helpOf(path)];
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      const help = seen[seen.length - 1]!;
      if (w.startsWith('-') && w.length > 1) {
        const name = w.split('=')[0]!;
        const owner = seen.findLast((h) => h.options.has(name));
        if (!owner) problems.push(`${c.where}: \`${path.join(' ')}\` has no option ${name}`);
        else if (owner.options.get(name) && !w.includes('=')) i++;
      } else if (help.commands.has(w)) {
        path.push(w);
        const sub = await helpOf(path);
        if (!sub.usage.startsWith(path.join(' '))) problems.push(`${c.where}: \`${path.join(' ')} --help\` shows ${sub.usage}`);
        seen.push(sub);
      } else if (help.commands.size > 0 && !help.positional) {
        if (!isPlaceholder(w)) problems.push(`${c.where}: \`${path.join(' ')}\` has no command ${w}`);
        break;
      }
    }
  }
  return problems;
}

const docFiles = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];

describe('documented commands', { timeout: 300_000 }, () => {
  test('the extractor finds commands in code blocks, and only there', () => {
    const md = [
      'Run `wicketctl bogus` in prose: not a code block.',
      '```sh',
      'echo "$PW" | wicketctl user add alice --group eng --password-stdin  # a comment --nope',
      'sudo ip netns exec ns1 node bin/wicket --state-dir /tmp/x status',
      'wicketctl user list | user disable NAME ; policy test|diff FILE',
      'wicket-controller start --data-dir /d \\',
      '  --listen 0.0.0.0:7443',
      'npm run -s demo -- --json | jq .',
      '```',
      '```yaml',
      'command: wicketctl policy apply',
      '```',
      '```ini',
      'ExecStart=/usr/bin/node /opt/wicket/bin/wicket-gateway start --state-dir /var/lib/wicket-gateway',
      '```',
    ].join('\n');
    const got = extractCommands(md, 'x.md').map((c) => `${c.where} ${c.continuation ? '+' : ''}${c.program} ${c.words.join(' ')}`);
    assert.deepEqual(got, [
      'x.md:3 wicketctl user add alice --group eng --password-stdin',
      'x.md:4 wicket --state-dir /tmp/x status',
      'x.md:5 wicketctl user list',
      'x.md:5 +wicketctl user disable NAME',
      'x.md:5 +wicketctl policy test|diff FILE',
      'x.md:6 wicket-controller start --data-dir /d --listen 0.0.0.0:7443',
      'x.md:8 demo --json',
      'x.md:8 +demo jq .',
      'x.md:14 wicket-gateway start --state-dir /var/lib/wicket-gateway',
    ]);
  });

  test('the checker accepts real commands and names what does not exist', async () => {
    const check = (line: string) => checkCommand(extractCommands(`\`\`\`sh\n${line}\n\`\`\``, 'x.md')[0]!);
    assert.deepEqual(await check('wicketctl --controller h:1 session revoke ID --reason "x y" --json'), []);
    assert.deepEqual(await check('wicketctl policy test|diff|apply FILE'), []);
    assert.deepEqual(await check('wicketctl sessionz list'), ['x.md:2: `wicketctl` has no command sessionz']);
    assert.deepEqual(await check('wicketctl session revoke ID --because x'), ['x.md:2: `wicketctl session revoke` has no option --because']);
    assert.deepEqual(await check('wicketctl policy test|dif FILE'), ['x.md:2: `wicketctl policy` has no command dif']);
    assert.deepEqual(await check('wicket up --interface wg0 --forground'), ['x.md:2: `wicket up` has no option --forground']);
    assert.deepEqual(await check('npm run demo -- --kep'), ['x.md:2: `demo` has no option --kep']);
    // A pipe into another program is not a continuation.
    assert.deepEqual(await checkCommand({ where: 'x.md:1', program: 'wicketctl', words: ['jq', '.'], continuation: true }), []);
  });

  for (const file of docFiles) {
    test(`every command in ${file} exists`, async () => {
      const commands = extractCommands(readFileSync(join(ROOT, file), 'utf8'), file);
      const problems: string[] = [];
      for (const c of commands) problems.push(...await checkCommand(c));
      assert.deepEqual(problems, []);
    });
  }

  test('the README documents the CLIs (the extraction is not vacuous)', () => {
    const commands = extractCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'), 'README.md');
    const programs = new Set(commands.map((c) => c.program));
    for (const p of Object.keys(PROGRAMS)) assert.ok(programs.has(p), `README shows no ${p} command`);
  });
});
