import { formatAgo, formatSeconds, formatUsd, oneLine, plural } from './format';

const NOW = new Date('2026-05-01T12:00:00Z');

test.each([
  ['2026-05-01T11:59:50Z', 'just now'],
  ['2026-05-01T11:57:00Z', '3 min ago'],
  ['2026-05-01T07:00:00Z', '5 h ago'],
  ['2026-04-28T12:00:00Z', '3 d ago'],
  ['2025-12-24T08:00:00Z', '2025-12-24'],
])('formatAgo(%s) is "%s"', (iso, expected) => {
  expect(formatAgo(iso, NOW)).toBe(expected);
});

test.each([
  [null, '–'],
  [0.25, '250 ms'],
  [4.25, '4.3 s'],
  [42, '42 s'],
  [600, '10 min'],
  [3000, '50 min'],
  [7500, '2 h 5 min'],
])('formatSeconds(%p) is "%s"', (s, expected) => {
  expect(formatSeconds(s)).toBe(expected);
});

test('formatUsd shows sub-cent costs precisely and larger ones in cents', () => {
  expect([formatUsd(0), formatUsd(0.0016), formatUsd(1.234)]).toEqual(['$0', '$0.0016', '$1.23']);
});

test('oneLine keeps the first line and cuts long ones with an ellipsis', () => {
  expect(oneLine('first\nsecond')).toBe('first');
  expect(oneLine('x'.repeat(200), 10)).toBe(`${'x'.repeat(9)}…`);
});

test('plural', () => {
  expect([plural(1, 'line'), plural(2, 'line')]).toEqual(['1 line', '2 lines']);
});
