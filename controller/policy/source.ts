// Reading the policy YAML: syntax errors (including duplicate keys) as PolicyErrors, and a
// map from a value's path (["grants", 1, "resources", 0]) to its line and column, so that
// every later error names the place it comes from. Never throws.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Alias, type Node } from 'yaml';
import type { PolicyError__Output } from '../../proto/generated/wicket/v1/PolicyError.js';

/** A validation error: 1-based line and column (0 when not tied to a place), path, message. */
export type PolicyError = PolicyError__Output;
export type Path = readonly PropertyKey[];

/** The largest policy file accepted (the API's limit on PolicyRequest.yaml). */
export const MAX_POLICY_BYTES = 1024 * 1024;
const MAX_DEPTH = 64;
const MAX_SYNTAX_ERRORS = 20;

interface Place {
  value: number;
  key?: number;
}

export interface YamlSource {
  /** The document as plain data (valid only when `errors` is empty). */
  data: unknown;
  errors: PolicyError[];
  /** Line and column of the value at `path` (or of its key), else of its nearest ancestor. */
  locate(path: Path, atKey?: boolean): { line: number; column: number };
}

/** "grants[1].resources[0]", "resources.wiki.address", 'groups["db.admins"]'. */
export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(String(seg))) out += out === '' ? String(seg) : `.${String(seg)}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

const pathKey = (path: Path) => JSON.stringify(path.map(String));

/** Records where every node of the document starts (iteratively: nesting depth is untrusted). */
function indexPlaces(root: Node | null): { places: Map<string, Place>; tooDeep?: Path; forbidden?: Path; aliases: { path: Path; node: Alias }[] } {
  const aliases: { path: Path; node: Alias }[] = [];
  const places = new Map<string, Place>();
  if (!root) return { places, aliases };
  places.set(pathKey([]), { value: root.range?.[0] ?? 0 });
  const stack: { node: unknown; path: PropertyKey[] }[] = [{ node: root, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (path.length > MAX_DEPTH) return { places, tooDeep: path, aliases };
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyNode = pair.key as Node | null;
        const valueNode = pair.value as Node | null;
        const keyStart = keyNode?.range?.[0] ?? 0;
        const p = [...path, key];
        places.set(pathKey(p), { value: valueNode?.range?.[0] ?? keyStart, key: keyStart });
        // Plain objects would treat this key as their prototype and silently drop it.
        if (key === '__proto__') return { places, forbidden: p, aliases };
        if (isAlias(valueNode)) aliases.push({ path: p, node: valueNode });
        if (valueNode && !isAlias(valueNode)) stack.push({ node: valueNode, path: p });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const p = [...path, i];
        const start = (item as Node | null)?.range?.[0];
        if (start !== undefined) places.set(pathKey(p), { value: start });
        if (isAlias(item)) aliases.push({ path: p, node: item });
        if (item && !isAlias(item)) stack.push({ node: item, path: p });
      });
    }
  }
  return { places, aliases };
}

function error(line: number, column: number, path: string, message: string): PolicyError {
  return { line, column, path, message };
}

/** Parses the YAML text of a policy. */
export function readYaml(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const nowhere = { line: 0, column: 0 };
  const failed = (errors: PolicyError[]): YamlSource => ({ data: undefined, errors, locate: () => nowhere });
  if (Buffer.byteLength(text, 'utf8') > MAX_POLICY_BYTES) {
    return failed([error(0, 0, '', `the policy file is larger than ${MAX_POLICY_BYTES} bytes`)]);
  }
  try {
    const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, version: '1.2' });
    const errors = doc.errors.slice(0, MAX_SYNTAX_ERRORS).map((e) => {
      const pos = e.linePos?.[0];
      return error(pos?.line ?? 0, pos?.col ?? 0, '', `YAML: ${e.message.split(' at line ')[0]!.trim()}`);
    });
    if (errors.length > 0) return failed(errors);
    const { places, tooDeep, forbidden, aliases } = indexPlaces(doc.contents as Node | null);
    const locate = (path: Path, atKey = false) => {
      for (let n = path.length; n >= 0; n--) {
        const place = places.get(pathKey(path.slice(0, n)));
        if (place) {
          const { line, col } = lineCounter.linePos(atKey && n === path.length && place.key !== undefined ? place.key : place.value);
          return { line, column: col };
        }
      }
      return nowhere;
    };
    if (forbidden) {
      const at = locate(forbidden, true);
      return failed([error(at.line, at.column, formatPath(forbidden), 'the key "__proto__" is not allowed')]);
    }
    if (tooDeep) {
      const at = locate(tooDeep);
      return failed([error(at.line, at.column, formatPath(tooDeep), `nesting deeper than ${MAX_DEPTH} levels`)]);
    }
    try {
      return { data: doc.toJS({ maxAliasCount: 100 }), errors: [], locate };
    } catch (err) {
      // An unquoted wildcard address (*.corp.internal) is YAML for an alias of an anchor that
      // does not exist: say what was meant, and where, instead of the library's line-less error.
      const wildcard = aliases.find((a) => a.node.source.startsWith('.') && (err as Error).message.endsWith(`: ${a.node.source}`));
      if (!wildcard) throw err;
      const at = locate(wildcard.path);
      return failed([error(at.line, at.column, formatPath(wildcard.path), `YAML reads *${wildcard.node.source} as an alias: quote a wildcard, e.g. "*${wildcard.node.source}"`)]);
    }
  } catch (err) {
    // The yaml library reports most problems as errors, but alias bombs and the like throw.
    return failed([error(0, 0, '', `YAML: ${(err as Error).message}`)]);
  }
}
