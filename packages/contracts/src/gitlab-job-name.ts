/**
 * The names GitLab gives generated jobs map back to the job they were generated from:
 * `rspec 2/4` (parallel) and `build: [linux, amd64]` (parallel:matrix) → `rspec`, `build`.
 */
export function baseJobName(name: string): string {
  return name
    .replace(/\s+\d+\/\d+$/, '')
    .replace(/:\s*\[.*\]$/, '')
    .trim();
}
