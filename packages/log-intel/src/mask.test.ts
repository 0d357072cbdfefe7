import { maskSecrets } from './mask';

const CASES: [string, string, string, string][] = [
  ['GitLab personal token', 'curl --header "PRIVATE-TOKEN: glpat-Ab3dEfGh1jKlMn0pQrSt"', 'glpat-Ab3dEfGh1jKlMn0pQrSt', '[MASKED:token]'],
  ['GitLab deploy token', 'using gldt-9aB8cD7eF6gH5iJ4kL3m for registry', 'gldt-9aB8cD7eF6gH5iJ4kL3m', '[MASKED:gitlab_token]'],
  ['GitLab runner token', 'registering with glrt-t1_AbCdEfGhIjKlMnOpQrSt', 'glrt-t1_AbCdEfGhIjKlMnOpQrSt', '[MASKED:gitlab_token]'],
  ['GitLab CI build token', 'CI_JOB_TOKEN is glcbt-64_AbCdEfGhIjKlMnOpQrSt12', 'glcbt-64_AbCdEfGhIjKlMnOpQrSt12', '[MASKED:gitlab_token]'],
  ['GitHub token', 'git push https://github.com using ghp_0123456789abcdefghijABCDEFGHIJ012345', 'ghp_0123456789abcdefghijABCDEFGHIJ012345', '[MASKED:github_token]'],
  ['GitHub fine-grained token', 'GH auth github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz', '[MASKED:github_token]'],
  ['AWS access key', 'Using key AKIAIOSFODNN7EXAMPLE for upload', 'AKIAIOSFODNN7EXAMPLE', '[MASKED:aws_access_key]'],
  ['AWS secret key assignment', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '[MASKED:aws_secret_key]'],
  ['Slack token', 'SLACK: xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', '[MASKED:slack_token]'],
  ['Slack webhook', 'posting to https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXX', 'T000/B000/XXXXXXXXXXXXXXXXXXXX', '[MASKED:slack_webhook]'],
  ['JWT', 'Authorization header eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', '[MASKED:jwt]'],
  ['Bearer header', 'Authorization: Bearer abcDEF123456ghiJKL789', 'abcDEF123456ghiJKL789', '[MASKED:bearer_token]'],
  ['URL credentials', 'Cloning into https://deploy-user:Sup3rS3cret@gitlab.example.com/group/app.git', 'Sup3rS3cret', 'https://[MASKED:url_credentials]@gitlab.example.com'],
  ['token-only URL credentials', 'fetch https://oauth2:abcdef0123456789ABCDEF@gitlab.com/x.git', 'abcdef0123456789ABCDEF', '[MASKED:url_credentials]@gitlab.com'],
  ['password= assignment', 'mysql -h db --password=hunter2 app', 'hunter2', '--password=[MASKED:password]'],
  ['token: yaml assignment', 'api_token: "f00ba7f00ba7f00ba7"', 'f00ba7f00ba7f00ba7', 'api_token: "[MASKED:token]'],
  ['secret env assignment', 'export CLIENT_SECRET=abc-def-ghi', 'abc-def-ghi', 'CLIENT_SECRET=[MASKED:secret]'],
  ['high-entropy secret-like variable', 'DATABASE_CREDENTIALS=Zq8xP2mV9tL4kR7wN3cB', 'Zq8xP2mV9tL4kR7wN3cB', 'DATABASE_CREDENTIALS=[MASKED:secret]'],
];

describe('maskSecrets', () => {
  it.each(CASES)('masks a %s', (_name, input, secret, expected) => {
    const out = maskSecrets(input);
    expect(out).not.toContain(secret);
    expect(out).toContain(expected);
  });

  it('masks a whole PEM private key block', () => {
    const pem = ['key follows:', '-----BEGIN RSA PRIVATE KEY-----', 'MIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB', 'aFDrBz9vFqU4yQ==', '-----END RSA PRIVATE KEY-----', 'done'].join('\n');
    expect(maskSecrets(pem)).toBe('key follows:\n[MASKED:private_key]\ndone');
  });

  it('finds a secret split by ANSI colour codes', () => {
    expect(maskSecrets('token \x1b[32mglpat-\x1b[0mAb3dEfGh1jKlMn0pQrSt')).toBe('token [MASKED:gitlab_token]');
    expect(maskSecrets('https://user:\x1b[1mp4ssw0rd\x1b[0m@host/x')).toBe('https://[MASKED:url_credentials]@host/x');
  });

  it('masks the exact values given by the caller, also inside URLs', () => {
    const out = maskSecrets('deploying with my-var-value to https://x.example.com/?k=my-var-value', { extraValues: ['my-var-value'] });
    expect(out).toBe('deploying with [MASKED:ci_variable] to https://x.example.com/?k=[MASKED:ci_variable]');
  });

  it('leaves ordinary log text alone', () => {
    const text = [
      "SyntaxError: Unexpected token: '}' at line 3",
      'password: required',
      'export PATH=/usr/local/bin:$PATH',
      'TOKEN=$CI_JOB_TOKEN',
      'src/keyboard/layout.ts:12:3 error',
      'Tests run: 12, Failures: 1',
    ].join('\n');
    expect(maskSecrets(text)).toBe(text);
  });
});
