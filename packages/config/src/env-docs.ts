import { z } from 'zod';
import { ZEnv } from './env.schema';

export type TSettingDoc = { name: string; description: string; default: string };

/** Settings with their descriptions and defaults, read from the schema itself. */
export function describeSettings(): TSettingDoc[] {
  return Object.entries(ZEnv.shape).map(([name, schema]) => {
    const s = schema as z.ZodType;
    let fallback = '';
    const parsed = s.safeParse(undefined);
    if (parsed.success && parsed.data !== undefined) fallback = Array.isArray(parsed.data) ? parsed.data.join(',') : String(parsed.data);
    return { name, description: s.description ?? '', default: fallback };
  });
}

/** The settings table of docs/configuration.md. */
export function renderSettingsTable(): string {
  const rows = describeSettings().map((d) => `| \`${d.name}\` | ${d.description} | ${d.default === '' ? '-' : `\`${d.default}\``} |`);
  return ['| Variable | Description | Default |', '|---|---|---|', ...rows].join('\n');
}

/** `.env.example`: every setting, commented out at its default. */
export function renderEnvExample(): string {
  const lines = [
    '# ci-analyst settings. Every variable is optional outside production; defaults shown.',
    '# Generated from packages/config/src/env.schema.ts (npm run cli -- config --env-example).',
    '',
  ];
  for (const d of describeSettings()) lines.push(`# ${d.description}`, `# ${d.name}=${d.default}`, '');
  return lines.join('\n');
}
