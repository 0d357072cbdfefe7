import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const ZMockData = z.object({
  projects: z.array(
    z.looseObject({
      id: z.number().int(),
      path_with_namespace: z.string(),
      name: z.string(),
      web_url: z.string(),
      default_branch: z.string(),
    }),
  ),
  users: z.array(z.looseObject({ id: z.number().int(), username: z.string(), name: z.string(), email: z.string() })),
});
export type TMockData = z.infer<typeof ZMockData>;

export const BUILT_IN_MOCK_DATA: TMockData = {
  projects: [
    {
      id: 1001,
      path_with_namespace: 'acme/web-shop',
      name: 'web-shop',
      web_url: 'https://gitlab.example.com/acme/web-shop',
      default_branch: 'main',
    },
    {
      id: 1002,
      path_with_namespace: 'acme/billing-api',
      name: 'billing-api',
      web_url: 'https://gitlab.example.com/acme/billing-api',
      default_branch: 'main',
    },
    {
      id: 1003,
      path_with_namespace: 'acme/infra',
      name: 'infra',
      web_url: 'https://gitlab.example.com/acme/infra',
      default_branch: 'master',
    },
  ],
  users: [
    { id: 1, username: 'alice', name: 'Alice Example', email: 'alice@example.com' },
    { id: 2, username: 'bob', name: 'Bob Example', email: 'bob@example.com' },
  ],
};

/** Mock projects and users for the development helpers: `<DATA_DIR>/mock-data.json` when present. */
export function loadMockData(dataDir: string): { data: TMockData; source: string } {
  const file = path.resolve(dataDir, 'mock-data.json');
  if (!fs.existsSync(file)) return { data: BUILT_IN_MOCK_DATA, source: 'built-in' };
  return { data: ZMockData.parse(JSON.parse(fs.readFileSync(file, 'utf8'))), source: file };
}
