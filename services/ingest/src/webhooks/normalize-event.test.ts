import { jobHook } from '../../../../tests/fixtures/gitlab-payloads';
import { normalizeEvent } from './normalize-event';

/** An instance under a relative URL root: every web URL starts with /gitlab, no project path does. */
const WEB_URL = 'https://example.com/gitlab/group/proj';

describe('a Job Hook of an instance under a relative URL root', () => {
  it('takes the project from the documented project object: path_with_namespace, name, web_url', () => {
    const event = normalizeEvent('Job Hook', jobHook({ jobId: 11, pipelineId: 7, projectId: 3, webUrl: WEB_URL }));
    expect(event).toMatchObject({
      kind: 'failure',
      project: { id: 3, path: 'group/proj', name: 'Gitlab Test', web_url: WEB_URL, default_branch: 'master' },
      pipeline: { id: 7, url: `${WEB_URL}/-/pipelines/7` },
      failedJobs: [{ id: 11, web_url: `${WEB_URL}/-/jobs/11` }],
    });
  });

  it('without the project object (older GitLab) takes the path from the SSH clone URL, which has no URL root, and the name from the repository', () => {
    const event = normalizeEvent('Job Hook', jobHook({ jobId: 11, pipelineId: 7, projectId: 3, webUrl: WEB_URL, legacy: true }));
    expect(event).toMatchObject({ kind: 'failure', project: { id: 3, path: 'group/proj', name: 'gitlab_test', web_url: WEB_URL } });
  });

  it('ignores a project object that is not the job project_id names', () => {
    const hook = {
      ...jobHook({ jobId: 11, pipelineId: 7, projectId: 3, webUrl: WEB_URL }),
      project: { id: 4, name: 'Other', path_with_namespace: 'other/proj', web_url: 'https://example.com/gitlab/other/proj' },
    };
    expect(normalizeEvent('Job Hook', hook)).toMatchObject({
      project: { id: 3, path: 'group/proj', name: 'gitlab_test', web_url: WEB_URL },
    });
  });
});
