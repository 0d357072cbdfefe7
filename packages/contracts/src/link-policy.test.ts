import { isAllowedLink, safeUrl } from './link-policy';

test.each([
  ['https://gitlab.example.com/a/b/-/jobs/1', 'https://gitlab.example.com/a/b/-/jobs/1'],
  ['http://gitlab.local/x', 'http://gitlab.local/x'],
  ['https://gitlab.example.com/a b', 'https://gitlab.example.com/a%20b'],
  ['javascript:alert(1)', undefined],
  ['JaVaScRiPt:alert(1)', undefined],
  ['data:text/html,<script>', undefined],
  ['/relative', undefined],
  ['https://user:pw@gitlab.example.com/a', undefined],
  [null, undefined],
])('safeUrl(%p) is %p', (input, expected) => {
  expect(safeUrl(input)).toBe(expected);
});

test('a URL the policy allows renders as the same href the policy checked', () => {
  const policy = { gitlabBaseUrl: 'https://gitlab.example.com', docHosts: ['nodejs.org'] };
  const url = 'https://gitlab.example.com/acme/web/-/jobs/7';
  expect(isAllowedLink(policy, url) && safeUrl(url)).toBe(url);
  expect(isAllowedLink(policy, 'https://gitlab.example.com.evil.test/x')).toBe(false);
});
