import { isPostbackProject, isRetryProject } from './postback-projects';
import { testConfig } from './testing';

const project = { id: 42, path: 'Group/App' };
const projects = (list: string) => testConfig({ POSTBACK_PROJECTS: list }).POSTBACK_PROJECTS;

test('the allow list takes ids and paths (case-insensitive); empty allows every project', () => {
  expect(isPostbackProject(projects(''), project)).toBe(true);
  expect(isPostbackProject(projects('42'), project)).toBe(true);
  expect(isPostbackProject(projects('7, group/app'), project)).toBe(true);
  expect(isPostbackProject(projects('7,group/other'), project)).toBe(false);
  expect(isPostbackProject(projects('group/app'), { id: 42 })).toBe(false);
});

test('flaky retries are opt-in: ids, paths (case-insensitive) or *; empty retries nothing', () => {
  const retry = (list: string) => testConfig({ VERDICT_RETRY_FLAKY_PROJECTS: list }).VERDICT_RETRY_FLAKY_PROJECTS;
  expect(isRetryProject(retry(''), project)).toBe(false);
  expect(testConfig({}).VERDICT_RETRY_FLAKY_PROJECTS).toEqual([]);
  expect(isRetryProject(retry('*'), project)).toBe(true);
  expect(isRetryProject(retry('42'), project)).toBe(true);
  expect(isRetryProject(retry('7, group/app'), project)).toBe(true);
  expect(isRetryProject(retry('7,group/other'), project)).toBe(false);
});
