import { AppError } from '../http/app-error';
import { assertShallowJson } from './decode-delivery';

const bytes = (s: string) => Buffer.from(s, 'utf8');

test('JSON nested up to the limit passes, one level more is a 400 naming the body', () => {
  expect(() => assertShallowJson(bytes(`${'['.repeat(5)}${']'.repeat(5)}`), 5)).not.toThrow();
  let error: unknown;
  try {
    assertShallowJson(bytes(`{"a":${'['.repeat(5)}${']'.repeat(5)}}`), 5);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ code: 'bad_request', field: 'body' });
});

test('brackets inside strings, escaped quotes included, do not count as nesting', () => {
  expect(() => assertShallowJson(bytes(JSON.stringify({ log: `${'[{'.repeat(100)} \\" "quoted [[[" ` })), 2)).not.toThrow();
  expect(() => assertShallowJson(bytes(JSON.stringify({ a: ['\\', [[]]] })), 3)).toThrow(AppError);
});
