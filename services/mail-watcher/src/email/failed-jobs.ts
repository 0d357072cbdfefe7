import type { TFailedJobRef } from '@cia/contracts';
import type { ChildNode, Element } from 'domhandler';
import { DomUtils, parseDocument } from 'htmlparser2';

/** GitLab puts the last 30 log lines of each failed job in the HTML body; more than this is not a tail. */
const MAX_LOG_TAIL_CHARS = 16_000;

const JOB_URL = /\/(?:-\/)?(?:jobs|builds)\/(\d+)/;

/**
 * The text body (app/views/notify/pipeline_failed_email.text.erb) lists each failed job as
 * `Job #<id> ( <url> )`, then `Stage: <stage>` and `Name: <name>` lines.
 */
export function parseFailedJobsFromText(text: string): TFailedJobRef[] {
  const jobs: TFailedJobRef[] = [];
  const re = /Job #(\d+)[ \t]*(?:\([ \t]*(\S+)[ \t]*\))?[ \t]*\r?\n\s*Stage:[ \t]*([^\r\n]+)\r?\n\s*Name:[ \t]*([^\r\n]+)/g;
  for (const m of text.matchAll(re)) {
    const url = m[2]?.replace(/\/raw$/, '') ?? null;
    jobs.push({ id: Number(m[1]), name: (m[4] ?? '').trim(), stage: (m[3] ?? '').trim(), status: 'failed', web_url: url });
  }
  return jobs;
}

function hasClass(el: Element, name: string): boolean {
  return (el.attribs.class ?? '').split(/\s+/).includes(name);
}

/** Text of a node with `<br>` as a line break (GitLab renders the trace with `<br />`). */
function textWithBreaks(nodes: ChildNode[]): string {
  let out = '';
  for (const node of nodes) {
    if (DomUtils.isText(node)) out += node.data;
    else if (DomUtils.isTag(node)) out += node.name === 'br' ? '\n' : textWithBreaks(node.children);
  }
  return out;
}

function nextRow(el: Element): Element | undefined {
  let n = el.next;
  while (n && !(DomUtils.isTag(n) && n.name === 'tr')) n = n.next;
  return n ?? undefined;
}

function trimTail(log: string): string | undefined {
  const cleaned = log.replace(/\r/g, '').replace(/\s+$/, '');
  if (cleaned.trim() === '') return undefined;
  return cleaned.length > MAX_LOG_TAIL_CHARS ? cleaned.slice(-MAX_LOG_TAIL_CHARS) : cleaned;
}

/**
 * The HTML body (app/views/notify/_failed_builds.html.haml) has, per failed job, a
 * `tr.build-state` row (stage, link to the job) followed by a `tr.build-log` row whose `<pre>`
 * holds the last lines of the job log.
 */
export function parseFailedJobsFromHtml(html: string): TFailedJobRef[] {
  const doc = parseDocument(html);
  const rows = DomUtils.findAll((el) => el.name === 'tr' && hasClass(el, 'build-state'), doc.children);
  const jobs: TFailedJobRef[] = [];
  for (const row of rows) {
    const link = DomUtils.findOne((el) => el.name === 'a' && JOB_URL.test(el.attribs.href ?? ''), row.children);
    if (!link) continue;
    const id = Number(JOB_URL.exec(link.attribs.href ?? '')?.[1]);
    const cells = row.children.filter((c): c is Element => DomUtils.isTag(c) && c.name === 'td');
    const stage = cells[0] ? DomUtils.textContent(cells[0]).trim() : '';
    const logRow = nextRow(row);
    const pre = logRow && hasClass(logRow, 'build-log') ? DomUtils.findOne((el) => el.name === 'pre', logRow.children) : null;
    const logTail = pre ? trimTail(textWithBreaks(pre.children)) : undefined;
    jobs.push({
      id,
      name: DomUtils.textContent(link).trim(),
      stage,
      status: 'failed',
      web_url: link.attribs.href ?? null,
      ...(logTail ? { log_tail: logTail } : {}),
    });
  }
  return jobs;
}

/** Jobs from the text body, completed with the HTML body's log tails (matched by job id). */
export function mergeEmailJobs(fromText: TFailedJobRef[], fromHtml: TFailedJobRef[]): TFailedJobRef[] {
  if (fromText.length === 0) return fromHtml;
  const htmlById = new Map(fromHtml.map((j) => [j.id, j]));
  const merged = fromText.map((j) => {
    const h = htmlById.get(j.id);
    htmlById.delete(j.id);
    return h ? { ...j, stage: j.stage || h.stage, web_url: h.web_url ?? j.web_url, ...(h.log_tail ? { log_tail: h.log_tail } : {}) } : j;
  });
  return [...merged, ...htmlById.values()];
}
