/**
 * `paperboy users`: accounts from the terminal — list them, create one, set a role (how the first
 * admin is made), invite someone, sign an account out everywhere.
 */
import { createApp } from '../app.ts';
import { community } from '../community/index.ts';
import { ROLES, type Role } from '../community/schema.ts';
import { loadConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import type { Command } from './command.ts';

const USAGE = `paperboy users list [--role ROLE] [--json]
       paperboy users create EMAIL [--role ROLE]
       paperboy users grant EMAIL ROLE          (ROLE: ${ROLES.join(', ')}; "user" takes a role away)
       paperboy users invite [--note TEXT] [--days N]
       paperboy users signout EMAIL             (end every session of the account)`;

export const usersCmd: Command = {
  name: 'users',
  summary: 'accounts: list, create, grant a role (admin, moderator, user), invite, sign out everywhere',
  usage: USAGE,
  options: { role: { type: 'string' }, note: { type: 'string' }, days: { type: 'string' } },
  async run({ positionals, values, env, out }) {
    const [action, ...args] = positionals;
    const role = values.role as string | undefined;
    if (role !== undefined && !ROLES.includes(role as Role)) throw new AppError('USAGE', `--role must be one of ${ROLES.join(', ')} (got ${JSON.stringify(role)})`);
    const need = (n: number, what: string) => {
      if (args.length !== n) throw new AppError('USAGE', `users ${action} needs ${what}\nusage: ${USAGE}`);
    };
    if (!['list', 'create', 'grant', 'invite', 'signout'].includes(action ?? '')) throw new AppError('USAGE', `users needs list, create, grant, invite or signout\nusage: ${USAGE}`);
    if (action === 'create' || action === 'signout') need(1, 'an e-mail address');
    if (action === 'grant') need(2, 'an e-mail address and a role');
    const app = await createApp(loadConfig(env));
    const c = community(app);
    try {
      if (action === 'list') {
        const users = await c.users.list({ limit: 10_000, role: role as Role | undefined });
        for (const u of users) {
          out.data({ id: u.id, email: u.email, handle: u.handle, name: u.name, role: u.role, createdAt: u.createdAt, banned: u.bannedAt !== null }, () =>
            `${String(u.id).padStart(5)}  ${u.role.padEnd(9)} ${u.email}  @${u.handle}${u.bannedAt ? '  (banned)' : ''}`,
          );
        }
        if (!out.json && users.length === 0) out.info('no accounts yet');
      } else if (action === 'create') {
        const { user, created } = await c.signIn.ensureUser(args[0]!, (role as Role | undefined) ?? 'user');
        const u = role && !created ? await c.users.grant(user.email, role) : user;
        out.data({ email: u.email, handle: u.handle, role: u.role, created }, () => `${created ? 'created' : 'exists'}: ${u.email} (${u.role}); sign in at ${app.config.baseUrl}/signin`);
      } else if (action === 'grant') {
        const u = await c.users.grant(args[0]!, args[1]!);
        out.data({ email: u.email, handle: u.handle, role: u.role }, () => `${u.email} is now ${u.role === 'user' ? 'a plain user' : `${u.role === 'admin' ? 'an' : 'a'} ${u.role}`}`);
      } else if (action === 'invite') {
        const days = values.days === undefined ? undefined : Number(values.days);
        if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 365)) throw new AppError('USAGE', '--days must be a whole number from 1 to 365');
        const inv = await c.signIn.createInvite(null, String(values.note ?? ''), days);
        out.data(inv, () => `invitation (one account, until ${inv.expiresAt.slice(0, 10)}): ${inv.url}`);
      } else {
        const u = await c.users.byEmail(args[0]!);
        const n = await c.sessions.endAll(u.id);
        out.data({ email: u.email, sessionsEnded: n }, () => `${u.email}: ${n} session${n === 1 ? '' : 's'} ended`);
      }
    } finally {
      await app.close();
    }
  },
};
