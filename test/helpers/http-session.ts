/**
 * A browser-like HTTP client over fetch for tests and benchmarks against real `paperboy serve`
 * processes: a cookie jar shared across any number of base URLs (app nodes of one site), the CSRF
 * token read from the last page, and sign-in by magic link.
 */
export interface HttpSession {
  cookies: Map<string, string>;
  csrf: string | null;
  get(url: string): Promise<{ status: number; body: string; headers: Headers }>;
  /** A form POST with the CSRF token (no redirects followed). */
  post(url: string, form: Record<string, string>): Promise<{ status: number; body: string; headers: Headers }>;
  /** A JSON POST with the CSRF token in X-CSRF-Token. */
  postJson(url: string, body: unknown): Promise<{ status: number; body: string; headers: Headers }>;
}

const CSRF = /name="_csrf" value="([^"]+)"|<meta name="csrf-token" content="([^"]+)">/;

export function createHttpSession(): HttpSession {
  const cookies = new Map<string, string>();
  const s: HttpSession = {
    cookies,
    csrf: null,
    get: (url) => send(url, { method: 'GET' }),
    post: (url, form) => send(url, { method: 'POST', body: new URLSearchParams({ ...(s.csrf ? { _csrf: s.csrf } : {}), ...form }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    postJson: (url, body) => send(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', accept: 'application/json', ...(s.csrf ? { 'x-csrf-token': s.csrf } : {}) } }),
  };
  async function send(url: string, init: { method: string; body?: string; headers?: Record<string, string> }) {
    const headers: Record<string, string> = { ...init.headers };
    if (cookies.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const r = await fetch(url, { method: init.method, body: init.body, headers, redirect: 'manual' });
    for (const line of r.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()));
      if (!value || expired) cookies.delete(name);
      else cookies.set(name, value);
    }
    const body = await r.text();
    const m = CSRF.exec(body);
    if (m) s.csrf = (m[1] ?? m[2]!).replace(/&amp;/g, '&');
    return { status: r.status, body, headers: r.headers };
  }
  return s;
}

/**
 * Sign in through `base` by magic link; `mailedToken` waits for the link's mail and returns its token.
 * @example await signInOverHttp(node.url, 'a@example.org', () => tokenFromSmtp('a@example.org'))
 */
export async function signInOverHttp(base: string, email: string, mailedToken: () => Promise<string>): Promise<HttpSession> {
  const s = createHttpSession();
  await s.get(`${base}/signin`);
  const asked = await s.post(`${base}/signin`, { email });
  if (asked.status !== 200) throw new Error(`asking for a sign-in link answered ${asked.status}`);
  const token = await mailedToken();
  await s.get(`${base}/signin/link?token=${token}`);
  const done = await s.post(`${base}/signin/link`, { token });
  if (done.status !== 303 || !s.cookies.has('pb_session')) throw new Error(`sign-in answered ${done.status}`);
  await s.get(`${base}/settings`);
  return s;
}
