import crypto from 'node:crypto';
import net from 'node:net';
import { openDatabase } from './client';
import { TEST_ADMIN_URL } from './testing';

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const srv = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

function withPath(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

test.each([
  ['garbage', async () => 'garbage', /^DATABASE_URL is not a URL/],
  ['a MySQL URL', async () => 'mysql://app:s3cret-pw@127.0.0.1:3306/app', /^DATABASE_URL must be a PostgreSQL URL .*not mysql:\/\//],
  [
    'a closed port',
    async () => `postgres://postgres:s3cret-pw@127.0.0.1:${await closedPort()}/app`,
    /^cannot connect to the database at DATABASE_URL .*127\.0\.0\.1.*connection refused/,
  ],
  [
    'a missing database',
    async () => withPath(TEST_ADMIN_URL, `cia_missing_${crypto.randomBytes(4).toString('hex')}`),
    /^cannot connect to the database at DATABASE_URL .*database "cia_missing_\w+" does not exist/,
  ],
])(
  'a DATABASE_URL that is %s fails at open with one message naming DATABASE_URL and the cause, never the password',
  async (_name, url, message) => {
    const error = await openDatabase({ databaseUrl: await url() }).then(
      (db) => db.close().then(() => undefined),
      (err: Error) => err,
    );
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain('s3cret-pw');
    expect(error?.message).not.toMatch(/Failed query/);
  },
);

test('a working DATABASE_URL opens and answers', async () => {
  const database = await openDatabase({ databaseUrl: TEST_ADMIN_URL });
  await database.ping();
  await database.close();
});
