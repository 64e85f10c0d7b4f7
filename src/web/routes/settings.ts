/**
 * The settings page and its forms: profile, password, API tokens, the digest subscription. Signed-in (session) users only;
 * every form carries a CSRF token.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { community } from '../../community/index.ts';
import { safeNext } from '../../community/user.ts';
import { toPublicProfile } from '../../community/users.service.ts';
import { AppError, isAppError } from '../../errors.ts';
import { viewerOf } from '../viewer.ts';
import { clearSessionCookie } from '../plugins/session.ts';
import { settingsPage, type SettingsInput } from '../views/settings.ts';
import { subscriptions } from '../../digest/subscriptions-app.ts';
import { daysInWords } from '../views/subscribe.ts';
import { settingsBody } from './subscribe-schemas.ts';

const HTML = 'text/html; charset=utf-8';
const field = { type: 'string', maxLength: 5000 } as const;
const formSchema = (...names: string[]) => ({ type: 'object', properties: Object.fromEntries(names.map((n) => [n, field])) });

export const settingsRoutes: FastifyPluginAsync = async (server) => {
  const app = server.app;
  const c = community(app);
  const subs = subscriptions(app);
  const dailyDays = daysInWords(app.config.digestDailyDays);

  const render = async (req: FastifyRequest, reply: FastifyReply, status: number, extra: Partial<SettingsInput> = {}) => {
    const viewer = await viewerOf(req, reply);
    if (!viewer) return reply.redirect(`/signin?next=${encodeURIComponent('/settings')}`, 303);
    const [row, tokens, sessions, digest] = await Promise.all([c.users.byId(viewer.user.id), c.tokens.list(viewer.user.id), c.sessions.list(viewer.user.id), subs.forUser(viewer.user)]);
    const current = req.auth?.kind === 'session' ? req.auth.sessionHash : '';
    return reply.status(status).type(HTML).send(
      settingsPage({
        viewer,
        profile: toPublicProfile(row!),
        tokens,
        sessions: sessions.map((s) => ({ ...s, current: s.idHash === current })),
        passwords: app.config.passwordSignin,
        digest: { view: digest, defaults: subs.defaults(), dailyDays },
        ...extra,
      }).value,
    );
  };

  /** Run a form's action; a user error re-renders the page with the message. */
  const form = async (req: FastifyRequest, reply: FastifyReply, action: (userId: number) => Promise<Partial<SettingsInput> | string>) => {
    if (!req.user || req.auth?.kind !== 'session') throw new AppError('SIGN_IN_REQUIRED', 'Sign in to change your settings.');
    try {
      const out = await action(req.user.id);
      if (typeof out === 'string') return reply.redirect(out, 303);
      return await render(req, reply, 200, out);
    } catch (e) {
      if (isAppError(e) && e.status < 500) return render(req, reply, e.status, { error: e.message });
      throw e;
    }
  };

  server.get<{ Querystring: { welcome?: string; next?: string; digest?: string } }>('/settings', { schema: { hide: true, querystring: formSchema('welcome', 'next', 'digest') } }, async (req, reply) =>
    render(req, reply, 200, {
      ...(req.query.welcome ? { welcome: { next: safeNext(req.query.next) } } : {}),
      ...(req.query.digest === 'saved' ? { notice: 'Digest settings saved.' } : {}),
    }),
  );

  server.post<{ Body: Record<string, string | undefined> }>('/settings/profile', { schema: { hide: true, body: formSchema('name', 'handle', 'bio', 'avatarUrl', 'links', 'next') } }, async (req, reply) =>
    form(req, reply, async (id) => {
      const b = req.body ?? {};
      await c.users.updateProfile(id, { name: b.name, handle: b.handle, bio: b.bio ?? '', avatarUrl: b.avatarUrl ?? '', links: b.links ?? '' });
      return b.next !== undefined ? safeNext(b.next) : { notice: 'Profile saved.' };
    }),
  );

  server.post<{ Body: { password?: string } }>('/settings/password', { schema: { hide: true, body: formSchema('password') } }, async (req, reply) =>
    form(req, reply, async (id) => {
      await c.signIn.setPassword(id, String(req.body?.password ?? ''));
      // A new password ends every other session: whoever knew the old one is signed out.
      const ended = await c.sessions.endAll(id, req.auth?.kind === 'session' ? req.auth.sessionHash : undefined);
      req.user = { ...req.user!, hasPassword: true };
      return { notice: `Password set.${ended ? ` ${ended} other session${ended === 1 ? '' : 's'} signed out.` : ''}` };
    }),
  );

  server.post<{ Body: { name?: string } }>('/settings/tokens', { schema: { hide: true, body: formSchema('name') } }, async (req, reply) =>
    form(req, reply, async (id) => {
      const t = await c.tokens.create(id, String(req.body?.name ?? ''));
      return { newToken: { name: t.name, token: t.token } };
    }),
  );

  server.get('/settings/export.json', { schema: { hide: true } }, async (req, reply) => {
    if (!req.user || req.auth?.kind !== 'session') throw new AppError('SIGN_IN_REQUIRED', 'Sign in to download your data.');
    // The digest is the subscriptions service's (src/digest): an account's subscription, or its address's.
    const data = { ...(await c.accountData.export(req.user.id)), digestSubscriptions: await subs.exportFor(req.user) };
    reply.header('cache-control', 'private, no-store').header('content-disposition', `attachment; filename="paperboy-${req.user.handle}.json"`);
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(data, null, 2));
  });

  server.post<{ Body: { confirm?: string } }>('/settings/delete', { schema: { hide: true, body: formSchema('confirm') } }, async (req, reply) => {
    if (!req.user || req.auth?.kind !== 'session') throw new AppError('SIGN_IN_REQUIRED', 'Sign in to delete your account.');
    try {
      await c.accountData.deleteAccount(req.user.id, req.body?.confirm);
    } catch (e) {
      if (isAppError(e) && e.status < 500) return render(req, reply, e.status, { error: e.message });
      throw e;
    }
    clearSessionCookie(req, reply);
    return reply.header('cache-control', 'no-store').redirect('/?deleted=1', 303);
  });

  // The digest section: the same settings as the manage page, for the signed-in account's subscription.
  server.post<{ Body: Record<string, unknown> }>('/settings/digest', { schema: { hide: true, body: settingsBody } }, async (req, reply) => {
    if (!req.user || req.auth?.kind !== 'session') throw new AppError('SIGN_IN_REQUIRED', 'Sign in to change your settings.');
    const body = req.body ?? {};
    try {
      const mine = await subs.forUser(req.user);
      // Pending (asked by e-mail alone, never confirmed) and suspended start through subscribe: the account proves the address.
      if (mine && mine.subscriber.status === 'active') await subs.updateForUser(req.user, body);
      else await subs.subscribe({ settings: body, user: req.user });
    } catch (e) {
      // The form again with what was typed and the message naming the field; nothing was saved.
      if (isAppError(e) && e.status < 500) return render(req, reply, e.status, { error: e.message, digestDraft: subs.draft(body) });
      throw e;
    }
    return reply.redirect('/settings?digest=saved#digest', 303);
  });

  server.post('/settings/digest/unsubscribe', { schema: { hide: true, body: formSchema() } }, async (req, reply) =>
    form(req, reply, async () => {
      await subs.unsubscribeForUser(req.user!);
      return { notice: 'You are unsubscribed from the digest: no more digests will be sent to your address.' };
    }),
  );

  server.post<{ Body: { id?: string } }>('/settings/tokens/revoke', { schema: { hide: true, body: formSchema('id') } }, async (req, reply) =>
    form(req, reply, async (id) => {
      const tokenId = Number(req.body?.id);
      if (!Number.isSafeInteger(tokenId)) throw new AppError('BAD_REQUEST', 'Which token? (id missing)');
      await c.tokens.revoke(id, tokenId);
      return { notice: 'Token revoked: it no longer works.' };
    }),
  );
};
