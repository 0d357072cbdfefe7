import { escapeHtml, html } from './html';

test('html escapes every interpolated string, including inside attributes', () => {
  const evil = `"><script>alert('x')</script>&`;
  expect(html`<a title="${evil}">${evil}</a>`.value).toBe(
    '<a title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</a>',
  );
});

test('html keeps nested html fragments and arrays, and drops null, undefined and false', () => {
  const items = ['<a>', 'b'].map((x) => html`<li>${x}</li>`);
  expect(html`<ul>${items}</ul>${null}${undefined}${false}${0}`.value).toBe('<ul><li>&lt;a&gt;</li><li>b</li></ul>0');
});

test('escapeHtml leaves plain text alone', () => {
  expect(escapeHtml('npm ERR! code ELIFECYCLE')).toBe('npm ERR! code ELIFECYCLE');
});
