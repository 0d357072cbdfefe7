import crypto from 'node:crypto';

export type TFixtureJob = { id: number; name: string; stage: string; log?: string[] };

export type TGitLabEmailOptions = {
  from?: string;
  to?: string;
  messageId?: string;
  date?: Date;
  host?: string;
  projectId?: number;
  projectPath?: string;
  projectName?: string;
  pipelineId?: number;
  /** The branch (GitLab's source_ref: a merge request pipeline's source branch). */
  ref?: string;
  /**
   * A merge request pipeline: X-GitLab-Pipeline-Ref is then `refs/merge-requests/<iid>/head` (the
   * ref it ran on) and the text body names the merge request, as pipeline_failed_email.text.erb does.
   */
  mergeRequestIid?: number;
  sha?: string;
  status?: 'failed' | 'success';
  /** 'current' = "<project> | Failed pipeline for <ref> | <sha>", 'legacy' = "Pipeline #<id> has failed for ...". */
  subjectStyle?: 'current' | 'legacy';
  commitTitle?: string;
  author?: string;
  jobs?: TFixtureJob[];
  /** Header names to leave out (e.g. X-GitLab-Project-Id and List-Id to test path-only mails). */
  omitHeaders?: string[];
  /** How headers with non-ASCII text are written: RFC 2047 encoded words, base64 (B, the default) or quoted-printable (Q). */
  headerEncoding?: 'B' | 'Q';
};

const CRLF = '\r\n';

/** The options the bodies are rendered from, defaults filled in. */
type TRendered = Required<Omit<TGitLabEmailOptions, 'omitHeaders' | 'messageId' | 'date' | 'to' | 'headerEncoding' | 'mergeRequestIid'>> & {
  mergeRequestIid?: number;
};

function base64Lines(s: string): string {
  return (
    Buffer.from(s, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join(CRLF);
}

/**
 * A header value as a mailer writes it (RFC 2047, as the Mail gem GitLab uses does): ASCII as it
 * is, anything else as UTF-8 encoded words of at most 75 characters, folded onto several lines.
 */
function encodeHeaderValue(value: string, encoding: 'B' | 'Q'): string {
  if (/^[\t\r\n\x20-\x7e]*$/.test(value)) return value;
  const encode = (text: string) =>
    encoding === 'B'
      ? Buffer.from(text, 'utf8').toString('base64')
      : [...Buffer.from(text, 'utf8')]
          .map((b) =>
            b === 0x20
              ? '_'
              : /[A-Za-z0-9]/.test(String.fromCharCode(b))
                ? String.fromCharCode(b)
                : `=${b.toString(16).toUpperCase().padStart(2, '0')}`,
          )
          .join('');
  const words: string[] = [];
  let part = '';
  for (const char of value) {
    if (`=?UTF-8?${encoding}?${encode(part + char)}?=`.length > 75) {
      words.push(`=?UTF-8?${encoding}?${encode(part)}?=`);
      part = '';
    }
    part += char;
  }
  words.push(`=?UTF-8?${encoding}?${encode(part)}?=`);
  return words.join(`${CRLF} `);
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Notify#create_list_id_string: `<id>.<path reversed, dot-separated>.<host>`. */
function listId(path: string, id: number, host: string): string {
  const domain = path
    .toLowerCase()
    .split('/')
    .reverse()
    .join('/')
    .replace(/[^a-z0-9/]/g, '-')
    .replace(/\/+/g, '.');
  return `${path} <${id}.${domain}.${host}>`;
}

function renderText(o: TRendered, projectUrl: string): string {
  const failed = o.status === 'failed';
  const lines = [
    failed ? `Pipeline #${o.pipelineId} has failed!` : `Pipeline #${o.pipelineId} has passed!`,
    '',
    `Project: ${o.projectName} ( ${projectUrl} )`,
    `Branch: ${o.ref} ( ${projectUrl}/-/commits/${o.ref} )`,
    ...(o.mergeRequestIid ? [`Merge request: !${o.mergeRequestIid} ( ${projectUrl}/-/merge_requests/${o.mergeRequestIid} )`] : []),
    '',
    `Commit: ${o.sha.slice(0, 8)} ( ${projectUrl}/-/commit/${o.sha} )`,
    `Commit Message: ${o.commitTitle}`,
    `Commit Author: ${o.author} ( https://${o.host}/${o.author.toLowerCase().replace(/\s+/g, '')} )`,
    '',
    '',
    `Pipeline #${o.pipelineId} ( ${projectUrl}/-/pipelines/${o.pipelineId} ) triggered by ${o.author} ( https://${o.host}/${o.author.toLowerCase().replace(/\s+/g, '')} )`,
  ];
  if (failed) {
    lines.push(`had ${o.jobs.length} failed ${o.jobs.length === 1 ? 'job' : 'jobs'}.`, '');
    for (const j of o.jobs) lines.push(`Job #${j.id} ( ${projectUrl}/-/jobs/${j.id}/raw )`, '', `Stage: ${j.stage}`, `Name: ${j.name}`);
  }
  lines.push('', '-- ', `You're receiving this email because of your account on ${o.host}.`, '');
  return lines.join(CRLF);
}

function renderHtml(o: TRendered, projectUrl: string, subject: string): string {
  const rows = o.jobs
    .map(
      (j) => `<tr class="build-state">
<td style="padding: 16px 0;"><table border="0" cellpadding="0" cellspacing="0" class="img"><tbody><tr>
<td style="color: #d22f57;" valign="middle"><img alt="&#10006;" height="10" src="https://${o.host}/assets/mailers/ci_pipeline_notif_v1/icon-x-red.gif" width="10" /></td>
<td valign="middle">
${escapeHtml(j.stage)}
</td>
</tr></tbody></table></td>
<td align="right" style="padding: 16px 0;">
<a href="${projectUrl}/-/jobs/${j.id}" style="color: #3777b0; text-decoration: none;">
${escapeHtml(j.name)}
</a>
</td>
</tr>
<tr class="build-log">
${
  j.log && j.log.length > 0
    ? `<td colspan="2" style="padding: 0 0 16px;">
<pre style="white-space: pre-wrap;"><span>${j.log.slice(0, -1).map(escapeHtml).join('<br />')}<br /></span><span class="term-fg-l-red term-bold">${escapeHtml(j.log[j.log.length - 1] ?? '')}<br /></span></pre>
</td>`
    : '<td colspan="2"></td>'
}
</tr>`,
    )
    .join('\n');
  const failedSection =
    o.status === 'failed'
      ? `<tr><td colspan="2" align="center">
had
${o.jobs.length}
failed
${o.jobs.length === 1 ? 'job' : 'jobs'}.
</td></tr>
<tr class="table-warning"><td align="center">
Logs may contain sensitive data. Please consider before forwarding this email.
</td></tr>
<tr class="section"><td>
<table border="0" cellpadding="0" cellspacing="0" class="builds" style="width: 100%; border-collapse: collapse;">
<tbody>
${rows}
</tbody>
</table>
</td></tr>`
      : '';
  return `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en">
<head>
<meta content="text/html; charset=UTF-8" http-equiv="Content-Type" />
<title>${escapeHtml(subject)}</title>
</head>
<body>
<table border="0" cellpadding="0" cellspacing="0" id="body"><tbody>
<tr class="alert"><td align="center" bgcolor="#d22f57">
${o.status === 'failed' ? 'Pipeline #' + o.pipelineId + ' has failed!' : 'Pipeline #' + o.pipelineId + ' has passed!'}
</td></tr>
<tr class="section"><td>
<table border="0" cellpadding="0" cellspacing="0" class="table-info"><tbody>
<tr><td>Project</td><td><a class="muted" href="${projectUrl}">${escapeHtml(o.projectName)}</a></td></tr>
<tr><td>Branch</td><td><a class="muted" href="${projectUrl}/-/commits/${o.ref}">${escapeHtml(o.ref)}</a></td></tr>
<tr><td>Commit</td><td><a href="${projectUrl}/-/commit/${o.sha}">${o.sha.slice(0, 8)}</a><div class="commit">${escapeHtml(o.commitTitle)}</div></td></tr>
</tbody></table>
</td></tr>
${failedSection}
</tbody></table>
</body>
</html>
`;
}

/**
 * A pipeline notification shaped like GitLab's (app/mailers/emails/pipelines.rb, notify.rb's
 * project headers and List-Id, pipeline_failed_email.text.erb, _failed_builds.html.haml):
 * multipart/alternative with the text and HTML bodies.
 */
export function buildGitLabPipelineEmail(options: TGitLabEmailOptions = {}): string {
  const o = {
    from: options.from ?? 'GitLab <gitlab@example.com>',
    host: options.host ?? 'gitlab.example.com',
    projectId: options.projectId ?? 42,
    projectPath: options.projectPath ?? 'acme/shop',
    projectName: options.projectName ?? 'shop',
    pipelineId: options.pipelineId ?? 1001,
    ref: options.ref ?? 'main',
    mergeRequestIid: options.mergeRequestIid,
    sha:
      options.sha ??
      crypto
        .createHash('sha1')
        .update(String(options.pipelineId ?? 1001))
        .digest('hex'),
    status: options.status ?? 'failed',
    subjectStyle: options.subjectStyle ?? 'current',
    commitTitle: options.commitTitle ?? 'Fix the checkout flow',
    author: options.author ?? 'Jane Doe',
    jobs: options.jobs ?? [
      {
        id: 5001,
        name: 'unit-tests',
        stage: 'test',
        log: ['$ npm test', 'FAIL src/cart.test.ts', '  Expected: 3', '  Received: 2', 'ERROR: Job failed: exit code 1'],
      },
    ],
  };
  const projectUrl = `https://${o.host}/${o.projectPath}`;
  const shortSha = o.sha.slice(0, 8);
  const pipelineRef = o.mergeRequestIid ? `refs/merge-requests/${o.mergeRequestIid}/head` : o.ref;
  const subject =
    o.subjectStyle === 'legacy'
      ? `${o.projectName} | Pipeline #${o.pipelineId} has ${o.status === 'failed' ? 'failed' : 'succeeded'} for ${pipelineRef} | ${shortSha}`
      : `${o.projectName} | ${o.status === 'failed' ? 'Failed' : 'Successful'} pipeline for ${o.ref} | ${shortSha}`;
  const boundary = `--==_mimepart_${crypto.randomBytes(8).toString('hex')}`;
  const headers: [string, string][] = [
    ['Date', (options.date ?? new Date()).toUTCString()],
    ['From', o.from],
    ['Reply-To', `GitLab <noreply@${o.host}>`],
    ['To', options.to ?? 'watcher@example.test'],
    ['Message-ID', options.messageId ?? `<${crypto.randomBytes(8).toString('hex')}_${o.pipelineId}@${o.host}.mail>`],
    ['Subject', subject],
    ['Mime-Version', '1.0'],
    ['Content-Type', `multipart/alternative;${CRLF} boundary="${boundary}";${CRLF} charset=UTF-8`],
    ['Content-Transfer-Encoding', '7bit'],
    ['X-GitLab-Project', o.projectName],
    ['X-GitLab-Project-Id', String(o.projectId)],
    ['X-GitLab-Project-Path', o.projectPath],
    ['List-Id', listId(o.projectPath, o.projectId, o.host)],
    ['X-GitLab-Pipeline-Id', String(o.pipelineId)],
    ['X-GitLab-Pipeline-Ref', pipelineRef],
    ['X-GitLab-Pipeline-Status', o.status],
    ['Auto-Submitted', 'auto-generated'],
    ['X-Auto-Response-Suppress', 'All'],
  ];
  const omit = new Set((options.omitHeaders ?? []).map((h) => h.toLowerCase()));
  const head = headers
    .filter(([k]) => !omit.has(k.toLowerCase()))
    .map(([k, v]) => `${k}: ${encodeHeaderValue(v, options.headerEncoding ?? 'B')}`)
    .join(CRLF);
  const part = (type: string, content: string) =>
    [`--${boundary}`, `Content-Type: ${type};${CRLF} charset=UTF-8`, 'Content-Transfer-Encoding: base64', '', base64Lines(content)].join(
      CRLF,
    );
  return [
    head,
    '',
    '',
    part('text/plain', renderText(o, projectUrl)),
    '',
    part('text/html', renderHtml(o, projectUrl, subject)),
    '',
    `--${boundary}--`,
    '',
  ].join(CRLF);
}

/** A plain single-part message (unrelated mail, wrong senders). */
export function buildPlainEmail(options: {
  from: string;
  subject: string;
  body?: string;
  messageId?: string;
  headers?: Record<string, string>;
}): string {
  const extra = Object.entries(options.headers ?? {}).map(([k, v]) => `${k}: ${v}`);
  return [
    `Date: ${new Date().toUTCString()}`,
    `From: ${options.from}`,
    'To: watcher@example.test',
    `Message-ID: ${options.messageId ?? `<${crypto.randomBytes(8).toString('hex')}@example.test>`}`,
    `Subject: ${options.subject}`,
    'Mime-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    ...extra,
    '',
    options.body ?? 'Hello.',
    '',
  ].join(CRLF);
}
