/**
 * Signing in: magic links by mail, optional passwords, registration modes and invites.
 *
 * What a requester learns never depends on whether an account exists: asking for a link always
 * answers "check your inbox", and the mail is sent after the answer (so SMTP latency cannot tell
 * either); an address that cannot sign in gets a mail saying why instead of a link. A wrong password
 * and an unknown address get the same message after the same scrypt work (passwords.ts).
 */
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Store } from '../store/db.ts';
import { hashPassword, passwordProblem, verifyPassword, warmUpPasswords } from './passwords.ts';
import type { Role, UserRow } from './schema.ts';
import { hashSecret, newSecret } from './secrets.ts';
import { consumeSigninToken, countRecentTokens, insertInvite, insertSigninToken, inviteUsable, useInvite } from './sessions.repo.ts';
import { findUserByEmail, findUserByHandle, insertUser, updateUser } from './users.repo.ts';
import { normalizeEmail, safeNext, toSessionUser, type SessionUser } from './user.ts';

export interface SignInResult {
  user: SessionUser;
  next: string;
  /** The account was created by this sign-in. */
  created: boolean;
}

export interface SignIn {
  readonly mode: Config['registration'];
  /** Send a sign-in link (or an explanation) to `email`, after returning. Throws only for bad input. */
  requestLink(input: { email: unknown; next?: unknown; invite?: unknown }): Promise<void>;
  /** Use a link's token: the account it signs in to (created if allowed), or SIGNIN_LINK_INVALID. */
  useLink(token: string): Promise<SignInResult>;
  /** Check a password; a wrong one and an unknown account fail alike. */
  withPassword(email: unknown, password: unknown): Promise<SessionUser>;
  setPassword(userId: number, password: string): Promise<void>;
  createInvite(createdBy: number | null, note: string, days?: number): Promise<{ code: string; url: string; expiresAt: string }>;
  /** Find or create an account by e-mail (the CLI; registration rules do not apply). */
  ensureUser(email: string, role?: Role): Promise<{ user: SessionUser; created: boolean }>;
  /** Resolves when every mail queued so far has been handed to SMTP (or failed and was logged). */
  drain(): Promise<void>;
}

const INVITE_DAYS = 14;
const LINKS_PER_ADDRESS = 5;

export function createSignIn(o: { store: Store; config: Config; mailer: Mailer; log: Logger; now?: () => number; onUserChange?: (userId: number) => Promise<unknown> | void }): SignIn {
  const { store, config, mailer, log } = o;
  const db = store.db;
  const now = o.now ?? Date.now;
  const pending = new Set<Promise<unknown>>();
  const site = new URL(config.baseUrl).host;
  void warmUpPasswords();

  const sendLater = (msg: Parameters<Mailer['send']>[0]) => {
    const p = mailer.send(msg).catch((e) => log.warn({ err: e, to: msg.to }, 'sign-in mail failed'));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  /** A handle nobody has: `member-` and random digits; the owner picks a real one on the welcome page. */
  const freeHandle = async (): Promise<string> => {
    for (;;) {
      const h = `member-${Math.floor(100000 + Math.random() * 900000)}`;
      if (!(await findUserByHandle(db, h))) return h;
    }
  };

  /**
   * Create an account; with `inviteHash`, use the invitation in the same transaction (an invitation
   * makes one account). Two sign-ins racing to create the same account: the loser reads the winner's row.
   */
  const createUser = async (email: string, role: Role = 'user', inviteHash: string | null = null): Promise<UserRow> => {
    for (let attempt = 0; ; attempt++) {
      const handle = await freeHandle();
      const t = new Date(now()).toISOString();
      try {
        return await db.transaction().execute(async (trx) => {
          const user = await insertUser(trx, { email, handle, name: handle, role }, t);
          if (inviteHash && !(await useInvite(trx, inviteHash, Number(user.id), t))) {
            throw new AppError('INVITE_INVALID', 'That invitation was used by someone else in the meantime. Ask for a new one.');
          }
          return user;
        });
      } catch (e) {
        if (e instanceof AppError) throw e;
        const existing = await findUserByEmail(db, email);
        if (existing) return existing;
        if (attempt >= 3) throw e;
      }
    }
  };

  return {
    mode: config.registration,

    async requestLink(input) {
      const email = normalizeEmail(input.email);
      const next = safeNext(input.next);
      const inviteCode = typeof input.invite === 'string' ? input.invite.trim() : '';
      const t = now();
      let inviteHash: string | null = null;
      if (inviteCode) {
        if (inviteCode.length > 100 || !(await inviteUsable(db, hashSecret(inviteCode), new Date(t).toISOString()))) {
          throw new AppError('INVITE_INVALID', 'That invitation code is not valid: it may have been used already or have expired.');
        }
        inviteHash = hashSecret(inviteCode);
      }
      const user = await findUserByEmail(db, email);
      const mayCreate = config.registration === 'open' || (config.registration === 'invite' && inviteHash !== null);
      if (!user && !mayCreate) {
        const why = config.registration === 'invite' ? 'this site takes new members by invitation only' : 'this site is not taking new members';
        sendLater({
          to: email,
          subject: `Signing in to Paperboy (${site})`,
          text: `Someone, hopefully you, asked to sign in to Paperboy at ${config.baseUrl} with this address.\n\nThere is no account for it, and ${why}, so there is no link to follow.\n\nIf it was not you, you can ignore this message.\n`,
        });
        return;
      }
      // At most LINKS_PER_ADDRESS links per address in a link's lifetime: nobody can flood one inbox from many
      // addresses (the per-address-of-the-client limit is the route's). The answer stays the same.
      const recent = await countRecentTokens(db, email, new Date(t - config.signinLinkMinutes * 60_000).toISOString());
      if (recent >= LINKS_PER_ADDRESS) {
        log.info({ recent }, 'sign-in link not sent: too many asked for this address recently');
        return;
      }
      const token = newSecret(32);
      const minutes = config.signinLinkMinutes;
      await insertSigninToken(db, {
        tokenHash: hashSecret(token),
        email,
        next,
        inviteHash: user ? null : inviteHash,
        now: new Date(t).toISOString(),
        expiresAt: new Date(t + minutes * 60_000).toISOString(),
      });
      const link = `${config.baseUrl}/signin/link?token=${token}`;
      sendLater({
        to: email,
        subject: `Sign in to Paperboy (${site})`,
        text: `Open this link to sign in to Paperboy at ${config.baseUrl}:\n\n${link}\n\nIt works once, within ${minutes} minutes.${user ? '' : ' Signing in creates your account.'}\n\nIf you did not ask for it, ignore this message: nobody can sign in without the link.\n`,
      });
    },

    async useLink(token) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw new AppError('SIGNIN_LINK_INVALID', 'This sign-in link is not valid. Ask for a new one.');
      const t = new Date(now()).toISOString();
      const row = await consumeSigninToken(db, hashSecret(token), t);
      if (!row) throw new AppError('SIGNIN_LINK_INVALID', 'This sign-in link was already used or has expired. Ask for a new one.');
      let user = await findUserByEmail(db, row.email);
      let created = false;
      if (!user) {
        const allowed = config.registration === 'open' || (config.registration === 'invite' && row.invite_hash !== null);
        if (!allowed) throw new AppError('REGISTRATION_CLOSED', 'This site is not taking new members at the moment.');
        user = await createUser(row.email, 'user', config.registration === 'invite' ? row.invite_hash : null);
        created = true;
      }
      if (user.banned_at) throw new AppError('USER_BANNED', `This account is banned${user.ban_reason ? `: ${user.ban_reason}` : '.'}`);
      await updateUser(db, Number(user.id), { last_signin_at: t }, t);
      return { user: toSessionUser(user), next: safeNext(row.next), created };
    },

    async withPassword(emailInput, passwordInput) {
      const wrong = new AppError('SIGN_IN_REQUIRED', 'That e-mail address and password do not match an account. Try again, or ask for a sign-in link.');
      const password = typeof passwordInput === 'string' ? passwordInput : '';
      let email: string;
      try {
        email = normalizeEmail(emailInput);
      } catch {
        await verifyPassword(null, password);
        throw wrong;
      }
      if (!config.passwordSignin) throw new AppError('FORBIDDEN', 'This site signs in by e-mailed link only.');
      const user = await findUserByEmail(db, email);
      const ok = await verifyPassword(user?.password_hash ?? null, password);
      if (!user || !ok) throw wrong;
      if (user.banned_at) throw new AppError('USER_BANNED', `This account is banned${user.ban_reason ? `: ${user.ban_reason}` : '.'}`);
      const t = new Date(now()).toISOString();
      await updateUser(db, Number(user.id), { last_signin_at: t }, t);
      return toSessionUser(user);
    },

    async setPassword(userId, password) {
      const problem = passwordProblem(password);
      if (problem) throw new AppError('BAD_REQUEST', problem);
      const t = new Date(now()).toISOString();
      await updateUser(db, userId, { password_hash: await hashPassword(password) }, t);
      await o.onUserChange?.(userId);
    },

    async createInvite(createdBy, note, days = INVITE_DAYS) {
      const code = newSecret(18);
      const t = now();
      const expiresAt = new Date(t + days * 86_400_000).toISOString();
      await insertInvite(db, { codeHash: hashSecret(code), createdBy, note: note.slice(0, 200), now: new Date(t).toISOString(), expiresAt });
      return { code, url: `${config.baseUrl}/signin?invite=${code}`, expiresAt };
    },

    async ensureUser(emailInput, role) {
      const email = normalizeEmail(emailInput);
      const existing = await findUserByEmail(db, email);
      if (existing) return { user: toSessionUser(existing), created: false };
      return { user: toSessionUser(await createUser(email, role)), created: true };
    },

    async drain() {
      while (pending.size) await Promise.allSettled([...pending]);
    },
  };
}
