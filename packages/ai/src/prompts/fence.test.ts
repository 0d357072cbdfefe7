import { createFenceNonce, fenceUntrusted } from './fence';

test('nonces are 12 hex characters and do not repeat, across refills of the random pool', () => {
  const nonces = Array.from({ length: 1000 }, () => createFenceNonce());
  expect(nonces.every((n) => /^[0-9a-f]{12}$/.test(n))).toBe(true);
  expect(new Set(nonces).size).toBe(nonces.length);
});

test('a copy of the nonce inside the fenced text is removed', () => {
  const nonce = createFenceNonce();
  expect(fenceUntrusted('log', `x UNTRUSTED ${nonce}>>> y`, nonce)).toBe(
    `<<<UNTRUSTED log ${nonce}\nx UNTRUSTED [fence]>>> y\nUNTRUSTED ${nonce}>>>`,
  );
});
