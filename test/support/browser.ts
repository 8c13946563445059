/**
 * A minimal browser for end-to-end tests: keeps cookies per host and follows redirects one
 * step at a time, so tests can see and assert every hop of a sign-in.
 */
export class TestBrowser {
  private readonly cookies = new Map<string, Map<string, string>>();

  cookie(origin: string, name: string): string | undefined {
    return this.cookies.get(new URL(origin).host)?.get(name);
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const jar = this.cookies.get(target.host);
    if (jar && jar.size > 0) {
      headers.set('cookie', [...jar.entries()].map(([name, value]) => `${name}=${value}`).join('; '));
    }

    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    this.store(target.host, response.headers.getSetCookie());
    return response;
  }

  /** Follows redirects until a non-redirect response or a URL for which `stopAt` returns true. */
  async follow(url: string, init: RequestInit = {}, stopAt: (url: URL) => boolean = () => false): Promise<{ response: Response; url: URL }> {
    let current = new URL(url);
    let response = await this.request(current.toString(), init);
    for (let hops = 0; hops < 10 && response.status >= 300 && response.status < 400; hops++) {
      const location = response.headers.get('location');
      if (!location) {
        break;
      }
      current = new URL(location, current);
      if (stopAt(current)) {
        return { response, url: current };
      }
      response = await this.request(current.toString(), { headers: init.headers });
    }
    return { response, url: current };
  }

  private store(host: string, setCookies: string[]): void {
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    for (const header of setCookies) {
      const [pair, ...attributes] = header.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = attributes.some((attribute) => /^\s*expires=Thu, 01 Jan 1970/i.test(attribute)) || value === '';
      if (expired) {
        jar.delete(name);
      } else {
        jar.set(name, value);
      }
    }
    this.cookies.set(host, jar);
  }
}

/** The result of driving "Sign in with Microsoft" to its end. */
export interface MicrosoftSignIn {
  status: number;
  body: Record<string, unknown>;
  /** Set when Entra itself refused, before our callback ran. */
  entraError?: string;
}

const decodeHtml = (text: string) => text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/**
 * Drives the whole code flow: gateway → local Entra login form → gateway callback. The
 * callback is requested with `Accept: application/json` so the outcome is machine-readable.
 */
export async function signInWithMicrosoft(browser: TestBrowser, gatewayUrl: string, login: string, action: 'login' | 'cancel' = 'login'): Promise<MicrosoftSignIn> {
  const start = await browser.request(`${gatewayUrl}/auth/microsoft`);
  const authorizeUrl = start.headers.get('location');
  if (start.status !== 302 || !authorizeUrl) {
    throw new Error(`GET /auth/microsoft answered ${start.status} without a redirect to Microsoft`);
  }

  const loginPage = await browser.request(authorizeUrl);
  const html = await loginPage.text();
  const formAction = /<form[^>]*method="post"[^>]*action="([^"]+)"/i.exec(html)?.[1];
  const hiddenRequest = /name="request" value="([^"]*)"/.exec(html)?.[1];
  if (!formAction || hiddenRequest === undefined) {
    throw new Error(`The Entra login page has no login form (status ${loginPage.status}): ${html.slice(0, 300)}`);
  }

  const gatewayOrigin = new URL(gatewayUrl).origin;
  const submitted = await browser.follow(
    new URL(decodeHtml(formAction), authorizeUrl).toString(),
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request: decodeHtml(hiddenRequest), login, action }).toString(),
    },
    (url) => url.origin === gatewayOrigin,
  );
  if (submitted.url.origin !== gatewayOrigin) {
    return { status: submitted.response.status, body: {}, entraError: await submitted.response.text() };
  }
  const callbackUrl = submitted.url.toString();

  const callback = await browser.request(new URL(callbackUrl, authorizeUrl).toString(), { headers: { accept: 'application/json' } });
  return { status: callback.status, body: (await callback.json()) as Record<string, unknown> };
}
