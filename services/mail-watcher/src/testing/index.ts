export { startDovecot, isDovecotAvailable, dovecotVersion, type TDovecot } from './dovecot.harness';
export { buildGitLabPipelineEmail, buildPlainEmail, type TGitLabEmailOptions, type TFixtureJob } from './gitlab-email.fixture';
