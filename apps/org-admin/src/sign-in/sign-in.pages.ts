/** Small server-rendered pages for the sign-in steps; the web console proper is a separate client. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title></head>
<body><main>${body}</main></body></html>`;
}

export function signInFailedPage(code: string, message: string, fix?: string): string {
  return page(
    'Sign-in failed',
    `<h1>You are not signed in</h1>
<p id="message">${escapeHtml(message)}</p>
${fix ? `<p id="fix">${escapeHtml(fix)}</p>` : ''}
<p><small>Error code: <code id="code">${escapeHtml(code)}</code></small></p>
<p><a href="/auth/microsoft">Try again</a></p>`,
  );
}

export function signInPage(): string {
  return page('Sign in', `<h1>Sign in</h1><p><a id="sign-in-with-microsoft" href="/auth/microsoft">Sign in with Microsoft</a></p>`);
}

export function termsPage(version: string): string {
  return page(
    'Terms and conditions',
    `<h1>Terms and conditions</h1>
<p>Accept the terms and conditions, version ${escapeHtml(version)}, to continue.</p>
<button id="accept" data-version="${escapeHtml(version)}">Accept and continue</button>
<script>
document.getElementById('accept').addEventListener('click', async (event) => {
  const csrf = document.cookie.split('; ').find((pair) => pair.startsWith('ta_csrf='))?.split('=')[1] ?? '';
  const response = await fetch('/api/me/terms', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify({ termsVersion: event.target.dataset.version }),
  });
  if (response.ok) { window.location.assign('/'); }
});
</script>`,
  );
}

export function homePage(): string {
  return page(
    'Inboxes',
    `<h1>Your inboxes</h1>
<p id="who"></p>
<ul id="inboxes"></ul>
<script>
(async () => {
  const me = await fetch('/api/me');
  if (me.status === 401) { window.location.assign('/signin'); return; }
  const person = await me.json();
  document.getElementById('who').textContent = 'Signed in as ' + person.loginName;
  const listed = await fetch('/api/me/inboxes');
  const body = await listed.json();
  for (const inbox of body.inboxes ?? []) {
    const item = document.createElement('li');
    item.textContent = inbox.name + ' (' + inbox.tier + ')';
    document.getElementById('inboxes').append(item);
  }
  if (body.error) { document.getElementById('who').textContent += ': ' + body.error.message; }
})();
</script>`,
  );
}
