// HTML pages of the Entra stand-in and the way refusals travel back to the relying party.

import { randomUUID } from 'node:crypto';

import { escapeHtml } from './tenant-provider.mjs';

/**
 * Renders the sign-in page. The page contains exactly one form: hidden input `request` carries the
 * original authorization query string, text input `login` the username, and the submit buttons
 * send `action=login` or `action=cancel`.
 */
export function renderLoginPage({ action, request, loginHint, message }) {
  const notice = message ? `<p id="error" role="alert">${escapeHtml(message)}</p>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in to your account</title></head>
<body>
<h1>Sign in</h1>
${notice}
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="request" value="${escapeHtml(request)}">
<label for="login">Email, phone, or Skype</label>
<input type="text" id="login" name="login" value="${escapeHtml(loginHint ?? '')}" autocomplete="username">
<button type="submit" name="action" value="login">Next</button>
<button type="submit" name="action" value="cancel">Cancel</button>
</form>
</body>
</html>
`;
}

/** Renders an error page that Entra shows itself instead of redirecting to the application. */
export function renderErrorPage({ code, description }) {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in error</title></head>
<body>
<h1>Sorry, but we're having trouble signing you in.</h1>
<p id="error_code">${escapeHtml(code)}</p>
<p id="error_description">${escapeHtml(description)}</p>
</body>
</html>
`;
}

export function sendHtml(res, status, html) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(html),
  });
  res.end(html);
}

export function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

// Entra appends trace lines to every AADSTS description; relying parties must match on the prefix.
export function aadstsDescription(code, text) {
  return `${code}: ${text}\r\nTrace ID: ${randomUUID()}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')}`;
}

/**
 * Sends an authorization response (an error here) to the relying party in the requested
 * response mode: query (default for `code`), fragment, or an auto-submitting form_post.
 */
export function sendAuthorizationResponse(res, { redirectUri, responseMode, params }) {
  const filtered = Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));

  if (responseMode === 'form_post') {
    const inputs = Object.entries(filtered)
      .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
      .join('\n');
    sendHtml(res, 200, `<!DOCTYPE html><html><head><title>Working...</title></head>
<body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(redirectUri)}">
${inputs}
<noscript><button type="submit">Continue</button></noscript></form></body></html>
`);
    return;
  }

  const url = new URL(redirectUri);
  if (responseMode === 'fragment') {
    url.hash = new URLSearchParams(filtered).toString();
  } else {
    for (const [name, value] of Object.entries(filtered)) {
      url.searchParams.set(name, value);
    }
  }
  res.writeHead(302, { location: url.href, 'cache-control': 'no-store', 'content-length': 0 });
  res.end();
}
