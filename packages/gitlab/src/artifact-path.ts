/**
 * Report paths come from `.gitlab-ci.yml` (`artifacts:reports:junit`), which anyone who can push
 * writes. Sent as URL path segments, `../../api/v4/projects/1/variables` would be resolved by the
 * URL parser (also when written `%2e%2e`) into another API call made with our token. Only paths
 * inside the archive are accepted: relative, no `..`, no backslashes or control characters.
 */
export function normalizeArtifactPath(path: string): string | undefined {
  if (path.length === 0 || path.length > 1024) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(path) || path.startsWith('/') || path.startsWith('~')) return undefined;
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0) return undefined;
  // Percent-escapes may be decoded on the way (URL parsers, GitLab): `%2e%2e` is `..` too.
  const unsafe = (segment: string) => {
    const decoded = safeDecode(segment);
    return decoded === undefined || decoded === '..' || decoded === '.' || /[/\\]/.test(decoded);
  };
  return segments.some(unsafe) ? undefined : segments.join('/');
}

/** The path as ONE URL-encoded path parameter (`reports%2Fjunit.xml`), or undefined when refused. */
export function encodeArtifactPath(path: string): string | undefined {
  const normalized = normalizeArtifactPath(path);
  return normalized === undefined ? undefined : encodeURIComponent(normalized);
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
