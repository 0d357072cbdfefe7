import type { TJobFinding } from '@cia/contracts';
import type { TNoteInput } from './render-note';
import { buildSlackMessage } from './slack.notifier';
import { sampleResult, verdictOf } from './testing/postback-fixtures';
import { buildWebhookPayload } from './webhook.notifier';

const failedJobs: TJobFinding[] = [
  {
    job_id: 1,
    name: 'deploy',
    stage: 'deploy',
    excerpt: [],
    findings: [],
    verdict: verdictOf('infrastructure', 'Infrastructure: registry unreachable', { retry_advised: true }),
  },
  {
    job_id: 2,
    name: 'unit',
    stage: 'test',
    excerpt: [],
    findings: [],
    verdict: verdictOf('caused_by_change', 'Fix <!channel> by @here & <https://phish.example|click>', { incident_id: 12 }),
  },
];

function input(failed: TJobFinding[]): TNoteInput {
  return {
    requestId: 'req-1',
    project: { id: 1, path: 'group/app' },
    pipeline: { id: 77, ref: 'feature', sha: 'abc', url: 'http://gitlab.example/group/app/-/pipelines/77' },
    result: sampleResult({ failed_jobs: failed }),
    jobs: failed.map((j) => ({ id: j.job_id, name: j.name, stage: j.stage, web_url: `http://gitlab.example/jobs/${j.job_id}` })),
    links: { gitlabBaseUrl: 'http://gitlab.example', docHosts: [] },
  };
}

function sectionText(message: Record<string, unknown>): string {
  const [section] = message.blocks as { text: { text: string } }[];
  return section?.text.text ?? '';
}

test('the Slack message leads with the verdicts, most pressing first, escaped for mrkdwn', () => {
  const message = buildSlackMessage(input(failedJobs));
  const lines = sectionText(message).split('\n');
  expect(lines[0]).toBe('*Fix &lt;!channel&gt; by @here &amp; &lt;https://phish.example|click&gt;* — unit');
  expect(lines[1]).toBe('*Infrastructure*: registry unreachable, retry the job — deploy');
  expect(message.text).toMatch(
    /^Fix &lt;!channel&gt; by @here &amp; &lt;https:\/\/phish\.example\|click&gt; · group\/app: pipeline #77 failed/,
  );
  expect(JSON.stringify(message)).not.toContain('<!channel>');
});

test('a Slack message of an analysis without verdicts starts with the pipeline, as before', () => {
  const message = buildSlackMessage(input(failedJobs.map(({ verdict: _verdict, ...job }) => job)));
  expect(message.text).toMatch(/^group\/app: pipeline #77 failed/);
  expect(sectionText(message).split('\n')[0]).toMatch(/^\*group\/app: pipeline #77 failed/);
});

test('the webhook payload carries each failed job verdict, null for jobs without one', () => {
  const withOld = input([...failedJobs, { job_id: 3, name: 'old', stage: 'test', excerpt: [], findings: [] }]);
  const payload = buildWebhookPayload(withOld, { deliveryId: 'd1', sentAt: new Date(0) }) as {
    failed_jobs: { job_id: number; verdict: unknown }[];
  };
  expect(payload.failed_jobs.map((j) => [j.job_id, j.verdict])).toEqual([
    [1, expect.objectContaining({ kind: 'infrastructure', headline: 'Infrastructure: registry unreachable', retry_advised: true })],
    [2, expect.objectContaining({ kind: 'caused_by_change', safe_to_merge: false, incident_id: 12 })],
    [3, null],
  ]);
});
