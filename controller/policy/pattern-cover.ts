// Whether one path pattern covers another: every path the inner pattern matches, the outer
// one matches too. The diff uses it so that widening a grant's paths ("/docs/*" to
// "/docs/**") reads as a gain only, not as a loss and a gain. Patterns are those
// common/http-rules checks (`*` one segment, `**` any number); this compares two patterns,
// never a request, so the proxy's matcher stays the only one. Pure.

/** True when `outer` matches every path `inner` matches (both valid path patterns). */
export function patternCovers(outer: string, inner: string): boolean {
  const p = outer === '/' ? [] : outer.slice(1).split('/');
  const q = inner === '/' ? [] : inner.slice(1).split('/');
  // memo[i][j]: does p[i..] cover q[j..]? (undefined: not computed yet)
  const memo: (boolean | undefined)[][] = p.map(() => []);
  const cover = (i: number, j: number): boolean => {
    if (i === p.length) return j === q.length;
    const known = memo[i]![j];
    if (known !== undefined) return known;
    let result: boolean;
    if (p[i] === '**') {
      // `**` takes any run of the inner pattern's parts, wildcards included.
      result = false;
      for (let k = j; k <= q.length && !result; k++) result = cover(i + 1, k);
    } else if (j === q.length || q[j] === '**') {
      // Nothing left to match one segment, or a run of any length that one segment cannot take.
      result = false;
    } else if (q[j] === '*') {
      result = p[i] === '*' && cover(i + 1, j + 1);
    } else {
      result = (p[i] === '*' || p[i] === q[j]) && cover(i + 1, j + 1);
    }
    memo[i]![j] = result;
    return result;
  };
  return cover(0, 0);
}
