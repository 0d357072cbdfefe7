export * from './analysis-result.schema';
export * from './analysis.schema';
export * from './jobs.schema';
export * from './api-error.schema';
export * from './gitlab-webhook.schema';
export * from './gitlab-job-name';
export * from './pipeline-ref';
export * from './link-policy';
