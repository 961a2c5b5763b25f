import { test } from 'node:test';
import assert from 'node:assert/strict';
import { html, jsonData } from './html.js';

test('interpolated text is escaped, nested markup and arrays are kept, empty values vanish', () => {
  const name = '<img src=x onerror=alert(1)> & "q" \'s\'';
  const out = html`<p title="${name}">${name}</p>${[html`<i>${'a<b'}</i>`, 'c>d']}${null}${undefined}${false}${0}`;
  assert.equal(out.text, '<p title="&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot; &#39;s&#39;">&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot; &#39;s&#39;</p><i>a&lt;b</i>c&gt;d0');
});

test('JSON data cannot close its script element', () => {
  const out = jsonData('d', { s: '</script><script>alert(1)</script>' }).text;
  assert.ok(!out.slice(0, -'</script>'.length).includes('</script'), out);
  assert.deepEqual(JSON.parse(out.replace(/^<script[^>]*>/, '').replace(/<\/script>$/, '')), { s: '</script><script>alert(1)</script>' });
});
