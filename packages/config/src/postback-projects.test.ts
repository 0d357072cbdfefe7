import { isPostbackProject } from './postback-projects';
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
