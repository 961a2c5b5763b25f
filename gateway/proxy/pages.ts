// The proxy's own answers (403, 404, 400, 502) as small HTML pages. Everything shown comes
// from the request or the policy, so every character that could open markup is escaped.

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const TITLES: Record<number, string> = { 400: 'Bad request', 403: 'Access denied', 404: 'Unknown application', 502: 'Application unreachable' };

/** A complete page for `status` saying `message`. */
export function errorPage(status: number, message: string): string {
  const title = TITLES[status] ?? `Error ${status}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><h1>${status} ${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p>Wicket gateway</p></body></html>
`;
}
