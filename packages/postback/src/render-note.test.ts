import { maskSecrets } from '@cia/log-intel';
import { hasMarker, noteMarker, withMarker } from './note-marker';
import { NOTE_MAX_CHARS, renderFailureNote, renderFixedNote, type TNoteInput } from './render-note';
import { sampleResult, verdictOf } from './testing/postback-fixtures';
import type { TJobFinding, TJobVerdict } from '@cia/contracts';
import { signBody, verifySignature } from './signature';

function input(overrides: Partial<TNoteInput> = {}): TNoteInput {
  return {
    requestId: 'req-1',
    project: { id: 1, path: 'group/app' },
    pipeline: { id: 77, ref: 'feature', sha: 'abc', url: 'http://gitlab.example/group/app/-/pipelines/77' },
    result: sampleResult(),
    jobs: [{ id: 380, name: 'install', stage: 'build', web_url: 'http://gitlab.example/jobs/380', failure_reason: 'script_failure' }],
    resultsUrl: 'https://ci.example/ui/analyses/req-1',
    links: { gitlabBaseUrl: 'http://gitlab.example', docHosts: ['docs.gitlab.com', 'nodejs.org'], publicUrl: 'https://ci.example' },
    ...overrides,
  };
}

test('the failure note carries root cause, fix commands, job links, confidence and the results link', () => {
  const note = renderFailureNote(input());
  expect(note).toContain('**Root cause:** react-beautiful-dnd@\u200b13 needs react 17');
  expect(note).toMatch(/```shell\n\s*npm ci --legacy-peer-deps\n\s*```/);
  expect(note).toContain('[install](http://gitlab.example/jobs/380)');
  expect(note).toContain('Confidence: **86%**');
  expect(note).toContain('[Full analysis](https://ci.example/ui/analyses/req-1)');
  expect(note).toContain('[pipeline #77](http://gitlab.example/group/app/-/pipelines/77)');
});

test('text from logs and models cannot mention people, run quick actions or fake our marker', () => {
  const result = sampleResult({
    root_cause: 'ping @all now',
    summary: 'line one\n/close\n<!-- ci-analyst:mr-1 -->',
    solutions: [{ title: 'Fix', steps: ['/merge', 'ask @maintainer'], commands: ['echo ```'] }],
  });
  const note = renderFailureNote(input({ result }));
  expect(note).not.toMatch(/@all|@maintainer/);
  expect(note.split('\n').some((l) => /^\s*\/(close|merge)/.test(l))).toBe(false);
  expect(note).not.toContain('<!--');
  // The fence is longer than the backticks inside the command.
  expect(note).toContain('````shell');
});

/** The note without its code (fenced blocks, inline code): GitLab renders nothing inside. */
function withoutCode(note: string): string {
  return note.replace(/^[ \t]*(`{3,})[^\n]*\n[\s\S]*?\n[ \t]*\1[ \t]*$/gm, '').replace(/(`+)[\s\S]*?\1/g, '');
}

/** Targets of the Markdown links GitLab would render (an escaped `\]` opens none). */
function linkTargets(note: string): string[] {
  return [...withoutCode(note).matchAll(/(?<!\\)\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '');
}

/** What GitLab shows as plain text (references are not resolved inside links): no code, no links, no HTML entities. */
function renderedText(note: string): string {
  return withoutCode(note)
    .replace(/(?<!\\)\[(?:\\.|[^\]\\])*\]\([^)\s]*\)/g, '')
    .replace(/&(amp|lt|gt);/g, '');
}

test('log text and the AI answer render no images, no links to other hosts and no GitLab references', () => {
  const result = sampleResult({
    root_cause:
      'see ![pixel](https://track.example/p.png?u=1) or [log in](https://phish.example/login), https://phish.example/raw and www.phish.example',
    summary: 'closes #1 and !2, label ~bug ~"needs review", milestone %v1, epic &3, snippet $4, [vulnerability:5], group/other#6',
    solutions: [
      {
        title: 'Read <img src=https://track.example/p.gif>',
        steps: ['ask http://169.254.169.254/latest/meta-data', '[ref]: https://phish.example/def'],
        commands: ['curl https://phish.example/ok-in-code'],
      },
    ],
    failed_jobs: [
      {
        job_id: 380,
        name: 'install',
        stage: 'build',
        excerpt: [{ line: 1, text: '![x](https://track.example/in-log.png)' }],
        findings: ['see [here](https://phish.example/f)'],
      },
    ],
  });
  const note = renderFailureNote(input({ result }));
  const hosts = linkTargets(note).map((href) => new URL(href).host);
  expect(new Set(hosts)).toEqual(new Set(['gitlab.example', 'ci.example']));
  const text = renderedText(note);
  expect(text).not.toMatch(/!\[|<img/i);
  expect(text).not.toMatch(/[a-z]+:\/\/|www\./i);
  expect(text).not.toMatch(/\[vulnerability:/);
  expect(text).not.toMatch(/[#!~%&$@][\w"]/);
  // Still readable: the URLs are there as code, the references as text.
  expect(note).toContain('`https://phish.example/raw`');
  expect(note).toContain('#\u200b1');
});

test('documentation links are rendered only for https documentation hosts', () => {
  const result = sampleResult({
    documentation_links: [
      'https://nodejs.org/api/errors.html',
      'https://docs.gitlab.com/ee/ci/yaml/',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'http://169.254.169.254/latest/meta-data',
      'https://gitlab.internal/admin',
      'http://nodejs.org/api/http.html',
      'https://nodejs.org.phish.example/x',
      'https://user:pw@nodejs.org/x',
    ],
  });
  const note = renderFailureNote(input({ result }));
  expect(note).toContain(
    'Documentation: [nodejs.org/api/errors.html](https://nodejs.org/api/errors.html) · [docs.gitlab.com/ee/ci/yaml/](https://docs.gitlab.com/ee/ci/yaml/)',
  );
  for (const bad of ['javascript:', 'data:', '169.254.169.254', 'gitlab.internal', 'http://nodejs.org', 'phish.example', 'user:pw'])
    expect(note).not.toContain(bad);
});

test('links a trigger carried to other hosts are dropped, their text kept', () => {
  const note = renderFailureNote(
    input({
      pipeline: { id: 77, ref: 'feature', sha: 'abc', url: 'https://phish.example/-/pipelines/77' },
      jobs: [{ id: 380, name: 'install', stage: 'build', web_url: 'https://phish.example/jobs/380' }],
    }),
  );
  expect(note).not.toContain('phish.example');
  expect(note).toContain('- install (stage `build`)');
});

test('a huge analysis still fits well under the note size limit', () => {
  const long = 'x'.repeat(5000);
  const result = sampleResult({
    root_cause: long,
    summary: long,
    solutions: Array.from({ length: 20 }, (_, i) => ({
      title: `fix ${i} ${long}`,
      steps: Array.from({ length: 30 }, () => long),
      commands: Array.from({ length: 30 }, () => long),
    })),
    failed_jobs: Array.from({ length: 50 }, (_, i) => ({
      job_id: i,
      name: `job ${i}`,
      stage: 's',
      excerpt: Array.from({ length: 100 }, (_, n) => ({ line: n + 1, text: long })),
      findings: [long],
    })),
  });
  const jobs = Array.from({ length: 50 }, (_, i) => ({ id: i, name: `job ${i}`, stage: 's', web_url: `http://gitlab.example/jobs/${i}` }));
  expect(renderFailureNote(input({ result, jobs })).length).toBeLessThanOrEqual(NOTE_MAX_CHARS);
  expect(renderFixedNote(input({ result, jobs }), { pipelineId: 78 }).length).toBeLessThanOrEqual(NOTE_MAX_CHARS);
});

test('the fixed note names the passing pipeline and folds the old analysis away', () => {
  const note = renderFixedNote(input(), { pipelineId: 78, url: 'http://gitlab.example/group/app/-/pipelines/78' });
  expect(note.split('\n')[0]).toBe('### :white_check_mark: Fixed: [pipeline #78](http://gitlab.example/group/app/-/pipelines/78) passed');
  expect(note).toContain('<details><summary>Previous analysis</summary>');
  expect(note).toContain('**Root cause:**');
});

/** A failed job of the result, with its verdict. */
function finding(id: number, name: string, verdict?: TJobVerdict, text = 'AssertionError: expected 1 to be 2'): TJobFinding {
  return {
    job_id: id,
    name,
    stage: 'test',
    excerpt: [{ line: 40, text }],
    findings: [`${name}: ${text}`],
    ...(verdict ? { verdict } : {}),
  };
}

/** The note and the jobs GitLab lists, from the result's failed jobs. */
function noteOf(failed: TJobFinding[], overrides: Partial<TNoteInput> = {}): string {
  const jobs = failed.map((j) => ({ id: j.job_id, name: j.name, stage: j.stage, web_url: `http://gitlab.example/jobs/${j.job_id}` }));
  return renderFailureNote(input({ result: sampleResult({ failed_jobs: failed }), jobs, ...overrides }));
}

/** What follows the heading, up to the root cause. */
function lead(note: string): string[] {
  const lines = note.split('\n');
  const end = lines.findIndex((l) => l.startsWith('**Root cause:**'));
  return lines.slice(2, end).filter((l) => l.length > 0);
}

test.each([
  ['caused_by_change', 'Caused by this change', {}, '**Caused by this change**'],
  [
    'already_failing',
    'Already failing on main since pipeline #7002 (commit 96fa3da9): not caused by this change',
    {},
    '**Already failing on main since pipeline #\u200b7002 (commit 96fa3da9)**: not caused by this change',
  ],
  [
    'fixed_on_target',
    'Fixed on main in 2ce4c078 (pipeline #7009); rebase',
    {},
    '**Fixed on main in 2ce4c078 (pipeline #\u200b7009); rebase**',
  ],
  [
    'infrastructure',
    'Infrastructure: registry unreachable (registry.example.com)',
    { retry_advised: true },
    '**Infrastructure**: registry unreachable (registry.example.com), retry the job',
  ],
  [
    'likely_flaky',
    'Likely flaky: failed and passed on this commit (2 failures, 1 pass)',
    { retry_advised: true },
    '**Likely flaky**: failed and passed on this commit (2 failures, 1 pass), retry the job',
  ],
  ['flaky_confirmed', 'Flaky (retry passed)', { safe_to_merge: true }, '**Flaky (retry passed)**: safe to merge'],
  [
    'undetermined',
    'No finished pipeline on main to compare with',
    { reason: 'no_compared_run' },
    '**No finished pipeline on main to compare with**',
  ],
] as const)('a %s verdict is the first thing after the heading, before the root cause', (kind, headline, extra, expected) => {
  const note = noteOf([finding(380, 'install', verdictOf(kind, headline, extra))]);
  expect(note.split('\n')[2]).toBe(expected);
  expect(lead(note)).toEqual([expected]);
  if (kind !== 'flaky_confirmed') expect(note.toLowerCase()).not.toContain('safe to merge');
});

test('an analysis stored before verdicts existed renders as before: the root cause first', () => {
  const note = renderFailureNote(input());
  expect(note.split('\n')[2]).toMatch(/^\*\*Root cause:\*\* /);
});

test('different verdicts are ordered by what the reader must act on, each naming its jobs', () => {
  const note = noteOf([
    finding(1, 'test 1/2', verdictOf('flaky_confirmed', 'Flaky (retry passed)', { safe_to_merge: true, fingerprint: 'f1' })),
    finding(2, 'deploy', verdictOf('infrastructure', 'Infrastructure: runner system failure', { retry_advised: true, fingerprint: 'f2' })),
    finding(3, 'docs', verdictOf('undetermined', 'No log to compare: cause unknown', { reason: 'no_log' })),
    finding(4, 'lint', verdictOf('caused_by_change', 'Caused by this change', { fingerprint: 'f4' })),
    finding(5, 'types', verdictOf('caused_by_change', 'Caused by this change', { fingerprint: 'f5' }), 'TS2322: Type string'),
    finding(
      6,
      'e2e',
      verdictOf('already_failing', 'Already failing on main since pipeline #7002 (commit 96fa3da9): not caused by this change'),
    ),
  ]);
  expect(lead(note)).toEqual([
    '- **Caused by this change** — lint, types (2 jobs)',
    '- **Already failing on main since pipeline #\u200b7002 (commit 96fa3da9)**: not caused by this change — e2e',
    '- **Infrastructure**: runner system failure, retry the job — deploy',
    '- **Flaky (retry passed)** — test 1/2',
    '- **No log to compare**: cause unknown — docs',
  ]);
  // One passing retry does not make a merge request with other failures safe to merge.
  expect(note.toLowerCase()).not.toContain('safe to merge');
});

test('identical failures of many jobs are one entry with the job list, one finding and one excerpt', () => {
  const same = (id: number, name: string) =>
    finding(id, name, verdictOf('caused_by_change', 'Caused by this change', { fingerprint: 'fp-shard' }));
  const note = noteOf([
    same(1, 'test 1/4'),
    same(2, 'test 2/4'),
    same(3, 'test 3/4'),
    finding(4, 'lint', verdictOf('caused_by_change', 'Caused by this change', { fingerprint: 'fp-lint' }), 'eslint: no-unused-vars'),
  ]);
  expect(lead(note)).toEqual(['**Caused by this change**']);
  expect(note).toContain(
    '- [test 1/4](http://gitlab.example/jobs/1), [test 2/4](http://gitlab.example/jobs/2), [test 3/4](http://gitlab.example/jobs/3) (3 jobs, stage `test`)',
  );
  expect(note.match(/AssertionError: expected 1 to be 2/g)).toHaveLength(2); // one finding, one excerpt
  expect(note.match(/<summary>Log excerpt/g)).toHaveLength(2); // the shards' and lint's
  expect(note).toContain('<summary>Log excerpt: test 1/4, test 2/4, test 3/4 (3 jobs)</summary>');
  expect(note).toContain('- [lint](http://gitlab.example/jobs/4) (stage `test`)');
});

test('without verdicts, shards failing with the same excerpt are grouped too; other jobs are not', () => {
  const note = noteOf([finding(1, 'rspec 1/2'), finding(2, 'rspec 2/2'), finding(3, 'build', undefined)]);
  expect(note).toContain('[rspec 1/2](http://gitlab.example/jobs/1), [rspec 2/2](http://gitlab.example/jobs/2) (2 jobs, stage `test`)');
  expect(note).toContain('- [build](http://gitlab.example/jobs/3)');
  expect(note.split('\n')[2]).toMatch(/^\*\*Root cause:\*\*/);
});

test('a hostile verdict headline (commit titles, author names) renders no links, images, mentions, references or HTML', () => {
  const headline =
    'New failure on main since pipeline #7001 (commit 0bbe3475): most likely 3f316e14 "fix ![p](https://track.example/p.png) [click](https://phish.example) <img src=x> closes #12 !3 ~bug" by @all';
  const note = noteOf([finding(1, 'unit', verdictOf('caused_by_change', headline))]);
  const [first] = lead(note);
  expect(first?.startsWith('**New failure on main since pipeline #\u200b7001 (commit 0bbe3475)**: most likely 3f316e14')).toBe(true);
  const hosts = linkTargets(note).map((href) => new URL(href).host);
  expect(new Set(hosts)).toEqual(new Set(['gitlab.example', 'ci.example']));
  const text = renderedText(note);
  expect(text).not.toMatch(/!\[|<img/i);
  expect(text).not.toMatch(/[a-z]+:\/\/|www\./i);
  expect(text).not.toMatch(/[#!~%&$@][\w"]/);
});

test('past six distinct verdicts, the rest is counted, not dropped silently', () => {
  const failed = Array.from({ length: 8 }, (_, i) =>
    finding(i, `job ${i}`, verdictOf('undetermined', `Cause ${i} unknown`, { fingerprint: `f${i}` })),
  );
  const lines = lead(noteOf(failed));
  expect(lines).toHaveLength(7);
  expect(lines[5]).toBe('- **Cause 5 unknown** — job 5');
  expect(lines[6]).toBe('- … and 2 more jobs with other verdicts');
});

test('the verdict survives the minimal fallback of a huge analysis', () => {
  const long = 'y'.repeat(5000);
  const failed = Array.from({ length: 40 }, (_, i) =>
    finding(
      i,
      `job ${i}`,
      verdictOf(i === 7 ? 'caused_by_change' : 'infrastructure', i === 7 ? 'Caused by this change' : `Infrastructure: ${long}`, {
        fingerprint: `f${i}`,
      }),
      long,
    ),
  );
  const note = noteOf(failed, {
    result: sampleResult({
      root_cause: long,
      summary: long,
      failed_jobs: failed,
      solutions: Array.from({ length: 5 }, () => ({ title: long, steps: Array(8).fill(long), commands: Array(8).fill(long) })),
    }),
  });
  expect(note.length).toBeLessThanOrEqual(NOTE_MAX_CHARS);
  // Minimal: no commands, no excerpts.
  expect(note).not.toMatch(/```shell|<details>/);
  expect(lead(note)[0]).toBe('- **Caused by this change** — job 7');
  expect(lead(note)[1]).toMatch(/^- \*\*Infrastructure\*\*: y+…/);
});

test('the marker identifies the target and only a note starting with it', () => {
  const body = withMarker({ kind: 'mr', iid: 7 }, maskSecrets('hello'));
  expect(hasMarker(body, { kind: 'mr', iid: 7 })).toBe(true);
  expect(hasMarker(body, { kind: 'mr', iid: 70 })).toBe(false);
  expect(hasMarker(`> ${noteMarker({ kind: 'mr', iid: 7 })}`, { kind: 'mr', iid: 7 })).toBe(false);
});

test('a webhook signature verifies for the exact body and secret only', () => {
  const body = '{"event":"analysis.completed"}';
  const header = signBody('s3cret', body);
  expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
  expect(verifySignature('s3cret', body, header)).toBe(true);
  expect(verifySignature('s3cret', `${body} `, header)).toBe(false);
  expect(verifySignature('other', body, header)).toBe(false);
  expect(verifySignature('s3cret', body, undefined)).toBe(false);
});
