import fs from 'node:fs';
import path from 'node:path';

/**
 * The job logs of the scripted history: real failing and passing logs of BugSwarm pairs
 * (tests/fixtures/bugswarm, see its README) replayed as GitLab job logs, and two platform
 * failures written in GitLab Runner's format (BugSwarm has none).
 */
const BUGSWARM = path.join(__dirname, '..', 'fixtures', 'bugswarm');
const read = (id: string, which: 'failing' | 'passing') => fs.readFileSync(path.join(BUGSWARM, id, `${which}.log`), 'utf8');

const CASES = {
  f90nml: 'marshallward-f90nml-159557989',
  javapoet: 'square-javapoet-46329264',
  singularity: 'HubSpot-Singularity-85748309',
  cclib: 'wavesoft-CCLib-186771232',
  verktyg: 'bwhmather-verktyg-109183187',
  ok: 'Cal-CS-61A-Staff-ok-71124742',
} as const;
export type TCase = keyof typeof CASES;

const REGISTRY_OUTAGE = (host: string) => [
  'Preparing the "docker" executor',
  `Using Docker executor with image ${host}/acme/ci:3.1 ...`,
  `Pulling docker image ${host}/acme/ci:3.1 ...`,
  `WARNING: Failed to pull image with policy "always": Error response from daemon: Get "https://${host}/v2/": dial tcp 10.20.0.5:443: i/o timeout (manager.go:237:15s)`,
  `ERROR: Job failed: failed to pull image "${host}/acme/ci:3.1" with specified policies [always]: Error response from daemon: Get "https://${host}/v2/": dial tcp 10.20.0.5:443: i/o timeout (manager.go:237:15s)`,
];
const RUNNER_SYSTEM_FAILURE = [
  'Preparing the "kubernetes" executor',
  'Using Kubernetes namespace: ci-jobs',
  'ERROR: Job failed (system failure): prepare environment: setting up build pod: Timed out while waiting for pod ci-jobs/runner-xk2-project-103-concurrent-0 to be running',
];

/** What a job prints: a BugSwarm run (failing or passing), a registry outage, a runner failure, or a short pass. */
export type TLogKey = { fail: TCase } | { pass: TCase } | 'registry_outage' | 'runner_failure' | 'ok';

/** The log of one run: the runner's header (its host changes per run), the log, the runner's last line. */
export function jobLog(key: TLogKey, run: number): string {
  const header = `Running with gitlab-runner 17.5.0 (v17.5.0)\n  on shared-runner-${run % 7} r${run}x, system ID: s_${(run * 7919).toString(16)}\n`;
  if (key === 'registry_outage') return header + REGISTRY_OUTAGE('registry.example.com').join('\n') + '\n';
  if (key === 'runner_failure') return header + RUNNER_SYSTEM_FAILURE.join('\n') + '\n';
  if (key === 'ok') return `${header}$ make check\nall checks passed\nJob succeeded\n`;
  if ('fail' in key) return `${header}${read(CASES[key.fail], 'failing')}\nERROR: Job failed: exit code 1\n`;
  return `${header}${read(CASES[key.pass], 'passing')}\nJob succeeded\n`;
}
