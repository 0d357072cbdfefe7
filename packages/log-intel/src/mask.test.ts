import { maskSecrets } from './mask';

const CASES: [string, string, string, string][] = [
  ['GitLab personal token', 'curl --header "PRIVATE-TOKEN: glpat-Ab3dEfGh1jKlMn0pQrSt"', 'glpat-Ab3dEfGh1jKlMn0pQrSt', '[MASKED:token]'],
  ['GitLab deploy token', 'using gldt-9aB8cD7eF6gH5iJ4kL3m for registry', 'gldt-9aB8cD7eF6gH5iJ4kL3m', '[MASKED:gitlab_token]'],
  ['GitLab runner token', 'registering with glrt-t1_AbCdEfGhIjKlMnOpQrSt', 'glrt-t1_AbCdEfGhIjKlMnOpQrSt', '[MASKED:gitlab_token]'],
  ['GitLab CI build token', 'CI_JOB_TOKEN is glcbt-64_AbCdEfGhIjKlMnOpQrSt12', 'glcbt-64_AbCdEfGhIjKlMnOpQrSt12', '[MASKED:gitlab_token]'],
  [
    'GitHub token',
    'git push https://github.com using ghp_0123456789abcdefghijABCDEFGHIJ012345',
    'ghp_0123456789abcdefghijABCDEFGHIJ012345',
    '[MASKED:github_token]',
  ],
  [
    'GitHub fine-grained token',
    'GH auth github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
    'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
    '[MASKED:github_token]',
  ],
  ['AWS access key', 'Using key AKIAIOSFODNN7EXAMPLE for upload', 'AKIAIOSFODNN7EXAMPLE', '[MASKED:aws_access_key]'],
  [
    'AWS secret key assignment',
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    '[MASKED:aws_secret_key]',
  ],
  [
    'Slack token',
    'SLACK: xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
    'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
    '[MASKED:slack_token]',
  ],
  [
    'Slack webhook',
    'posting to https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXX',
    'T000/B000/XXXXXXXXXXXXXXXXXXXX',
    '[MASKED:slack_webhook]',
  ],
  [
    'JWT',
    'Authorization header eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    'eyJzdWIiOiIxMjM0NTY3ODkwIn0',
    '[MASKED:jwt]',
  ],
  ['Bearer header', 'Authorization: Bearer abcDEF123456ghiJKL789', 'abcDEF123456ghiJKL789', '[MASKED:bearer_token]'],
  ['Basic header', 'Authorization: Basic ZGVwbG95Omh1bnRlcjJwYXNz', 'ZGVwbG95Omh1bnRlcjJwYXNz', 'Basic [MASKED:bearer_token]'],
  [
    'URL credentials',
    'Cloning into https://deploy-user:Sup3rS3cret@gitlab.example.com/group/app.git',
    'Sup3rS3cret',
    'https://[MASKED:url_credentials]@gitlab.example.com',
  ],
  [
    'token-only URL credentials',
    'fetch https://oauth2:abcdef0123456789ABCDEF@gitlab.com/x.git',
    'abcdef0123456789ABCDEF',
    '[MASKED:url_credentials]@gitlab.com',
  ],
  ['password= assignment', 'mysql -h db --password=hunter2 app', 'hunter2', '--password=[MASKED:password]'],
  ['token: yaml assignment', 'api_token: "f00ba7f00ba7f00ba7"', 'f00ba7f00ba7f00ba7', 'api_token: "[MASKED:token]'],
  ['secret env assignment', 'export CLIENT_SECRET=abc-def-ghi', 'abc-def-ghi', 'CLIENT_SECRET=[MASKED:secret]'],
  [
    'high-entropy secret-like variable',
    'DATABASE_CREDENTIALS=Zq8xP2mV9tL4kR7wN3cB',
    'Zq8xP2mV9tL4kR7wN3cB',
    'DATABASE_CREDENTIALS=[MASKED:secret]',
  ],
];

describe('maskSecrets', () => {
  it.each(CASES)('masks a %s', (_name, input, secret, expected) => {
    const out = maskSecrets(input);
    expect(out).not.toContain(secret);
    expect(out).toContain(expected);
  });

  it('masks a whole PEM private key block', () => {
    const pem = [
      'key follows:',
      '-----BEGIN RSA PRIVATE KEY-----',
      'MIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB',
      'aFDrBz9vFqU4yQ==',
      '-----END RSA PRIVATE KEY-----',
      'done',
    ].join('\n');
    expect(maskSecrets(pem)).toBe('key follows:\n[MASKED:private_key]\ndone');
  });

  it('finds a secret split by ANSI colour codes', () => {
    expect(maskSecrets('token \x1b[32mglpat-\x1b[0mAb3dEfGh1jKlMn0pQrSt')).toBe('token [MASKED:gitlab_token]');
    expect(maskSecrets('https://user:\x1b[1mp4ssw0rd\x1b[0m@host/x')).toBe('https://[MASKED:url_credentials]@host/x');
  });

  it('masks the exact values given by the caller, also inside URLs', () => {
    const out = maskSecrets('deploying with my-var-value to https://x.example.com/?k=my-var-value', { extraValues: ['my-var-value'] });
    expect(out).toBe('deploying with [MASKED:secret_value] to https://x.example.com/?k=[MASKED:secret_value]');
  });

  it('leaves ordinary log text alone', () => {
    const text = [
      "SyntaxError: Unexpected token: '}' at line 3",
      'password: required',
      'export PATH=/usr/local/bin:$PATH',
      'TOKEN=$CI_JOB_TOKEN',
      'src/keyboard/layout.ts:12:3 error',
      'Tests run: 12, Failures: 1',
      'docker run -p 8080:80 -u 1000:1000 -v "$PWD:/mnt" nginx',
      'mkdir -p build && ssh -p 2222 deploy@host',
      'echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin registry.example.com',
      'psql --no-password -h db -U app',
      'mysql -h db -P 3306 -u root -p',
      'curl -fsSL -u "$USER:$PASS" https://example.com',
      'sort -u names.txt',
      'export DB_PASSWORD=[secure]',
      'password: "{{ vault_db_password }}"',
      'DB_PASSWORD="$POSTGRES_PASSWORD"',
      'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 /builds/acme/app/node_modules/lib/index.js',
      'SKIP Test fgetss() function : Basic functionality',
      '== 20160101000000 CreateApiKeys: migrating ======',
      '== 20160101000001 RemoveAccessPassword: migrated (0.0012s) ===',
      'DEBUG tokenfilter: tokenfilter.go:59 Allowing connection from 127.0.0.1:41298',
      'prompt tokens: 1500, completion tokens: 200',
      'OLDPWD=/home/travis/build/acme/app',
      'DEBUG Doc row key: test-table:00000001397658117000:Z:__RAW_KEY_VERSION_2__, Document{id=Z}',
    ].join('\n');
    expect(maskSecrets(text)).toBe(text);
  });
});

/** [case, text, secret parts that must be gone, what must remain]. */
const GAPS: [string, string, string[], string][] = [
  [
    'aws configure set with a space-separated value',
    'aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ['wJalrXUtnFEMI'],
    'aws configure set aws_secret_access_key [MASKED:aws_secret_key]',
  ],
  [
    'npm config set with a space-separated token',
    'npm config set //registry.example.com/:_authToken Npm0123456789abcdefTok',
    ['Npm0123456789abcdefTok'],
    ':_authToken [MASKED:token]',
  ],
  [
    'git config setting a password',
    'git config --global user.password hunter2hunter2',
    ['hunter2hunter2'],
    'user.password [MASKED:password]',
  ],
  [
    'quoted password with spaces',
    'export DB_PASSWORD="correct horse battery staple"',
    ['correct', 'horse', 'battery', 'staple'],
    'DB_PASSWORD="[MASKED:password]"',
  ],
  ['single-quoted password with spaces', "--password 'my very secret'", ['my very', "secret'"], "--password '[MASKED:password]'"],
  ['YAML password in quotes with spaces', '  DB_PASSWORD: "open sesame 42"', ['open', 'sesame'], 'DB_PASSWORD: "[MASKED:password]"'],
  ['value starting with $', 'export API_TOKEN=$ecr3t!Value99', ['ecr3t', 'Value99'], 'API_TOKEN=[MASKED:token]'],
  ['value containing ;', 'DB_PASSWORD=pa;ss;word99 ./run.sh', ['pa;ss', 'word99'], 'DB_PASSWORD=[MASKED:password] ./run.sh'],
  ['value containing , and ;', 'MYSQL_PWD=x,y;zz9 mysql', ['x,y;zz9'], 'MYSQL_PWD=[MASKED:password] mysql'],
  ['mysql -pPASSWORD', 'mysql -h db -uroot -pS3cretPass app < dump.sql', ['S3cretPass'], '-p[MASKED:password] app'],
  ['mysqldump -p with a quoted password', "mysqldump -u app -p'two words' app", ['two words'], "-p'[MASKED:password]'"],
  [
    'docker login -p',
    'docker login -u gitlab-ci-token -p s3cretRegistryPass registry.example.com',
    ['s3cretRegistryPass'],
    '-p [MASKED:password] registry.example.com',
  ],
  [
    'docker login --password',
    'docker login --username ci --password s3cretRegistryPass registry.example.com',
    ['s3cretRegistryPass'],
    '--password [MASKED:password] registry.example.com',
  ],
  ['sshpass -p', 'sshpass -p Hunter22pass ssh deploy@host', ['Hunter22pass'], 'sshpass -p [MASKED:password] ssh'],
  ['redis-cli -a', 'redis-cli -h cache -a R3disPassw0rd ping', ['R3disPassw0rd'], '-a [MASKED:password] ping'],
  [
    'curl -u user:password',
    'curl -fsS -u deploy:hunter2pass https://nexus.example.com/upload',
    ['hunter2pass'],
    '-u deploy:[MASKED:password] https://nexus.example.com/upload',
  ],
  ['curl --user "user:password"', 'curl --user "deploy:pa ss" https://x.example.com', ['pa ss'], '--user "deploy:'],
  [
    '--api-key flag with a space',
    'sentry-cli --api-key 0123456789abcdef0123 releases new',
    ['0123456789abcdef0123'],
    '--api-key [MASKED:api_key] releases',
  ],
  [
    'keytool -storepass',
    'keytool -importcert -keystore ks.jks -storepass Chang3ItNow -noprompt',
    ['Chang3ItNow'],
    '-storepass [MASKED:password] -noprompt',
  ],
  [
    'base64 of a GitLab token',
    'echo Z2xwYXQtQWIzZEVmR2gxaktsTW4wcFFyU3Q= | base64 -d',
    ['Z2xwYXQtQWIzZEVmR2gxaktsTW4wcFFyU3Q'],
    'echo [MASKED:encoded_token] | base64 -d',
  ],
  [
    'base64 of user:token (a Basic header value)',
    '{"auths":{"registry.example.com":{"value":"Y2ktYm90OmdscGF0LUFiM2RFZkdoMWpLbE1uMHBRclN0"}}}',
    ['Y2ktYm90OmdscGF0LUFiM2RFZkdoMWpLbE1uMHBRclN0'],
    '"value":"[MASKED:encoded_token]"',
  ],
];

describe('maskSecrets closes the known gaps', () => {
  it.each(GAPS)('masks %s', (_name, input, secrets, expected) => {
    const out = maskSecrets(input);
    for (const secret of secrets) expect(out).not.toContain(secret);
    expect(out).toContain(expected);
  });

  it('is idempotent: masking its own output changes nothing', () => {
    for (const [, input] of [...GAPS, ...CASES]) {
      const once = maskSecrets(input, { extraValues: ['my-var-value'] });
      expect(maskSecrets(once, { extraValues: ['my-var-value'] })).toBe(once);
    }
  });
});

describe('exact secret values', () => {
  const SECRET = 'p@ss/w0rd+Zq8x';
  it.each([
    ['as is', `connect with ${SECRET} now`],
    ['URL-encoded', `GET /login?user=app&p=${encodeURIComponent(SECRET)} 200`],
    [
      'URL-encoded with lower-case escapes',
      `GET /login?user=app&p=${encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())} 200`,
    ],
    ['base64', `echo ${Buffer.from(SECRET).toString('base64')} | base64 -d`],
    ['base64 after a prefix (Basic auth)', `Authorization-ish ${Buffer.from(`user:${SECRET}`).toString('base64')}`],
    ['base64 after a two-byte prefix', Buffer.from(`ab${SECRET}xyz`).toString('base64')],
    ['base64url', Buffer.from(`u:${SECRET}`).toString('base64url')],
  ])('are masked %s', (_how, text) => {
    const out = maskSecrets(text, { extraValues: [SECRET] });
    expect(out).toContain('[MASKED:secret_value]');
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain(encodeURIComponent(SECRET));
  });

  it('ignores values shorter than 8 characters, which would mask ordinary words', () => {
    expect(maskSecrets('the test passed', { extraValues: ['test', 'passed'] })).toBe('the test passed');
  });
});
