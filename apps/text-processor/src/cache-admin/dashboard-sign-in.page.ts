import { createHash } from 'node:crypto';

/**
 * The page a browser gets instead of the dashboard while an admin key is set and it has no session:
 * a plain form (no script at all) that posts the key to `POST /cache/dashboard`, which answers with
 * an HttpOnly session cookie and a redirect back to the dashboard. Nothing the request carried is
 * echoed into the page.
 */
export type SignInNotice = 'sign-in' | 'wrong-key';

const STYLE = `
:root { color-scheme: light dark; }
body { margin: 0; padding: 48px 24px; font: 14px/1.4 system-ui, sans-serif; }
form { max-width: 360px; margin: 0 auto; display: grid; gap: 10px; }
h1 { font-size: 20px; margin: 0; }
input, button { font: inherit; padding: 8px 10px; }
.notice { color: #dc2626; }
`;

const NOTICES: Record<SignInNotice, string> = {
  'sign-in': '<p>Enter the admin key (<code>CACHE_ADMIN_API_KEY</code>) to open the cache dashboard.</p>',
  'wrong-key': '<p class="notice" id="wrong-key" role="alert">That key is not the admin key.</p>',
};

export function dashboardSignInPage(notice: SignInNotice): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>AI cache dashboard: sign in</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<form method="post" action="dashboard">
<h1>AI cache dashboard</h1>
${NOTICES[notice]}
<label for="key">Admin key</label>
<input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Open the dashboard</button>
</form>
</body>
</html>
`;
}

/** No script may run; the form may only post to this origin. */
export const DASHBOARD_SIGN_IN_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`,
  "img-src data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
