import { html, type SafeHtml } from './html';

export const UI_ASSETS_PATH = '/ui/assets';

/** The page frame; `refreshSeconds` re-renders pages that show work in progress. */
export function renderLayout(page: { title: string; body: SafeHtml; refreshSeconds?: number }): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${page.refreshSeconds ? html`<meta http-equiv="refresh" content="${page.refreshSeconds}">` : ''}
<title>${page.title} · ci-analyst</title>
<link rel="stylesheet" href="${UI_ASSETS_PATH}/results.css">
</head>
<body>
<header class="top">
  <a class="brand" href="/">ci<span>-</span>analyst</a>
  <nav><a href="/">Analyses</a><a href="/ui/incidents">Incidents</a><a href="/docs">API</a><a href="/admin/queues">Queues</a></nav>
</header>
<main>
${page.body}
</main>
<footer>ci-analyst · results of failed GitLab pipelines</footer>
</body>
</html>
`.value;
}
