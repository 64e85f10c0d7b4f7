/**
 * Digest subscriptions: subscribing (double opt-in by mail, or at once from a signed-in account),
 * the manage page's changes, unsubscribing, and what the mail side asks (DigestSource in types.ts):
 * who is due, what goes in their digest, which papers they already got, and suspension.
 *
 * What a requester learns never depends on whether the address is subscribed: `subscribe` answers
 * the same for a new, pending or active address, and the mail (a confirmation, or "already
 * subscribed" with the manage link) goes out after the answer, at most one per address per few minutes.
 */
import type { Logger } from 'pino';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { SessionUser } from '../community/user.ts';
import { normalizeEmail } from '../community/user.ts';
import { newSecret } from '../community/secrets.ts';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Store } from '../store/db.ts';
import * as repo from './subscriptions.repo.ts';
import { clearBounces } from './bounces.repo.ts';
import { cleanToken, createLinkSigner, tokenHash, TOKEN_PURPOSES, type LinkSigner, type LinkSubject } from './subscriptions-links.ts';
import { alreadySubscribedMail, confirmMail } from './subscriptions-mails.ts';
import { groupExtras, settingsColumns, settingsOf, toSubscriber } from './subscriptions-mapping.ts';
import { listDue } from './subscriptions-due.ts';
import { exportSubscriptions } from './subscriptions-export.ts';
import { buildSections } from './subscriptions-sections.ts';
import { draftSettings, parseSettings } from './subscriptions-settings.ts';
import type { TokenPurpose } from './subscriptions.schema.ts';
import type { DigestItem, DigestLinks, DigestRecipient, DigestSource, Period, PicksProvider, Subscriber, SubscriptionSettings, Weekday } from './types.ts';

/** Hours a confirmation link works. */
export const CONFIRM_HOURS = 48;
/** At most one subscribe mail per address this often (a form resubmitted in a loop mails once). */
const MAIL_GAP_MS = 5 * 60_000;

export interface SubscribeResult {
  /** `check-inbox`: a mail went (or will go) to the address; `subscribed`: active now (a signed-in account). */
  outcome: 'check-inbox' | 'subscribed';
  /** For `subscribed`: where the account holder manages it. */
  manageUrl?: string;
}

export interface ManageView {
  subscriber: Subscriber;
  links: DigestLinks;
}

export interface Subscriptions extends DigestSource {
  /** Load the link key (every async method does it first; the URL builders need it done). */
  ready(): Promise<void>;
  /** The settings a new subscription starts with. */
  defaults(): SubscriptionSettings;
  /** A form's settings over `base` (default: defaults()), leaving out fields that do not parse: to show a form again with its error. */
  draft(input: Record<string, unknown>, base?: SubscriptionSettings): SubscriptionSettings;
  /** Subscribe an address (double opt-in), or the signed-in user's own address (at once). @throws SUBSCRIPTION_INVALID, BAD_REQUEST */
  subscribe(input: { email?: unknown; settings?: Record<string, unknown>; user?: SessionUser | null }): Promise<SubscribeResult>;
  /** The address a confirmation link is for (the GET page shows it before its button). @throws SUBSCRIPTION_LINK_INVALID */
  confirmable(token: string): Promise<{ email: string }>;
  /** Confirm: the subscription becomes active. @throws SUBSCRIPTION_LINK_INVALID */
  confirm(token: string): Promise<ManageView>;
  /** The manage page's subscriber. @throws SUBSCRIPTION_LINK_INVALID, SUBSCRIPTION_LINK_REVOKED */
  manage(token: string): Promise<ManageView>;
  /** Change settings through a manage link. @throws SUBSCRIPTION_INVALID, SUBSCRIPTION_LINK_* */
  update(token: string, input: Record<string, unknown>): Promise<ManageView>;
  /**
   * Unsubscribe through an unsubscribe or manage link, at once. A link of an earlier unsubscribe
   * answers `already` (a mail client may retry the POST). @throws SUBSCRIPTION_LINK_INVALID
   */
  unsubscribe(token: string): Promise<'unsubscribed' | 'already'>;
  /** Whether an unsubscribe link is current (`active`), already used (`already`); @throws SUBSCRIPTION_LINK_INVALID */
  unsubscribeState(token: string): Promise<'active' | 'already'>;
  /** The personal feed: the digest as it would be composed now, without the sent-papers filter. */
  feed(token: string): Promise<{ subscriber: Subscriber; items: DigestItem[] }>;
  /** The subscription of a signed-in account: linked to it, or else its (proven) address's, subscribed by e-mail alone. */
  forUser(user: AccountRef): Promise<ManageView | null>;
  /** Change the settings of a signed-in account's subscription (the settings page). @throws SUBSCRIPTION_INVALID, SUBSCRIBER_NOT_FOUND */
  updateForUser(user: AccountRef, input: Record<string, unknown>): Promise<ManageView>;
  /** Unsubscribe a signed-in account's subscription, exactly as its unsubscribe link does. @throws SUBSCRIBER_NOT_FOUND */
  unsubscribeForUser(user: AccountRef): Promise<'unsubscribed' | 'already'>;
  /** The member's subscriptions for "download all my data" (subscriptions-export.ts): no tokens, no message bodies. */
  exportFor(user: { id: number; email: string }): Promise<Array<Record<string, unknown>>>;
  /** Subscribers by status, for metrics and `digest status`. */
  counts(): Promise<Record<string, number>>;
  /** Wait for subscribe mails still being sent (called on close). */
  drain(): Promise<void>;
}

/** A signed-in account as the subscription lookups need it. */
export type AccountRef = Pick<SessionUser, 'id' | 'email'>;

export interface SubscriptionsDeps {
  store: Store;
  config: Config;
  mailer: Mailer;
  catalog: CatalogService;
  log: Logger;
  picks?: PicksProvider;
  now?: () => Date;
}

export function createSubscriptions(d: SubscriptionsDeps): Subscriptions {
  const db = d.store.db;
  const { config } = d;
  const now = d.now ?? (() => new Date());
  const dailyDays = config.digestDailyDays as readonly Weekday[];
  const pending = new Set<Promise<void>>();
  let signer: LinkSigner | undefined;
  let loading: Promise<void> | undefined;

  const ready = () =>
    (loading ??= (async () => {
      const key = config.linkSecret ?? (await repo.linkKey(db));
      if (!key) throw new AppError('INTERNAL', 'the link key is missing: migration 0020 did not run');
      signer = createLinkSigner({ key, baseUrl: config.baseUrl, mailbox: config.digestUnsubscribeMailbox });
    })().catch((e: unknown) => {
      loading = undefined; // a database that was down is asked again next time
      throw e;
    }));
  const sign = (): LinkSigner => {
    if (!signer) throw new AppError('INTERNAL', 'subscriptions: await ready() before building links');
    return signer;
  };

  const load = async (id: number): Promise<Subscriber | null> => {
    const row = await repo.findSubscriber(db, id);
    if (!row) return null;
    const x = groupExtras(await repo.listSearches(db, [id]), await repo.listFollows(db, [id])).get(id);
    return toSubscriber(row, x);
  };
  const tokenOf = (s: LinkSubject, purpose: TokenPurpose) => sign().token(s, purpose);
  const view = (s: Subscriber): ManageView => ({ subscriber: s, links: sign().links(s) });
  const tokenRows = (s: LinkSubject) => TOKEN_PURPOSES.map((purpose) => ({ hash: tokenHash(sign().token(s, purpose)), subscriberId: s.id, purpose, generation: s.linkGeneration }));

  const send = (fn: () => Promise<void>) => {
    const p = fn().catch((e) => d.log.warn({ err: e }, 'subscription mail failed')).finally(() => pending.delete(p));
    pending.add(p);
  };

  /** The subscriber a link token opens, checked for purpose and generation. */
  const byToken = async (raw: string, purposes: readonly TokenPurpose[]) => {
    await ready();
    const token = cleanToken(raw);
    const row = token ? await repo.findToken(db, tokenHash(token)) : undefined;
    if (!row || !purposes.includes(row.purpose)) throw new AppError('SUBSCRIPTION_LINK_INVALID', 'This link is not valid. Use the newest link from a digest, or subscribe again.');
    const sub = await load(Number(row.subscriber_id));
    if (!sub) throw new AppError('SUBSCRIPTION_LINK_INVALID', 'This link is not valid.');
    const revoked = row.revoked_at !== null || Number(row.generation) !== sub.linkGeneration;
    return { sub, revoked, purpose: row.purpose };
  };
  const current = async (raw: string, purposes: readonly TokenPurpose[]) => {
    const t = await byToken(raw, purposes);
    if (t.revoked) throw new AppError('SUBSCRIPTION_LINK_REVOKED', 'This link stopped working when the address was unsubscribed. Subscribe again to get new links.');
    return t.sub;
  };

  const saveExtras = async (trx: Parameters<typeof repo.replaceSearches>[0], id: number, s: SubscriptionSettings) => {
    await repo.replaceSearches(trx, id, s.searches);
    await repo.replaceFollows(trx, id, [...s.authors.map((value) => ({ kind: 'author' as const, value })), ...s.categories.map((value) => ({ kind: 'category' as const, value }))]);
  };

  const defaults = (): SubscriptionSettings => ({
    frequency: 'daily', sendHour: config.digestDefaultHour, timeZone: 'UTC', weeklyDay: 1, sections: ['trending', 'search', 'authors', 'categories', 'picks'], searches: [], authors: [], categories: [],
  });

  const subscribeOnce = async (input: Parameters<Subscriptions['subscribe']>[0]): Promise<SubscribeResult> => {
    await ready();
    const user = input.user ?? null;
    const email = user ? user.email : normalizeEmail(input.email);
    const existing = await repo.findSubscriberByEmail(db, email) ?? (user ? await repo.findSubscriberByUser(db, user.id) : undefined);
    const base = existing ? settingsOf(toSubscriber(existing)) : defaults();
    const settings = parseSettings(input.settings ?? {}, base);
    const t = now().toISOString();

    if (user) {
      // The account's address is proven (accounts are made by following a mailed link, or by the operator): no confirmation.
      const id = await db.transaction().execute(async (trx) => {
        if (existing?.status === 'active') return Number(existing.id);
        const cols = { ...settingsColumns(settings), user_id: user.id, status: 'active' as const, confirmed_at: t, confirm_token_hash: null, confirm_expires_at: null, suspended_reason: null, suspended_at: null, unsubscribed_at: null, updated_at: t };
        const row = existing
          ? (await repo.updateSubscriber(trx, Number(existing.id), cols), existing)
          : await repo.insertSubscriber(trx, { ...cols, email, confirm_sent_at: null, created_at: t });
        if (existing?.status === 'suspended') await clearBounces(trx, email);
        await saveExtras(trx, Number(row.id), settings);
        await repo.insertTokens(trx, tokenRows(toSubscriber(row)), t);
        return Number(row.id);
      });
      return { outcome: 'subscribed', manageUrl: view((await load(id))!).links.manage };
    }

    const mailDue = !existing?.confirm_sent_at || now().getTime() - Date.parse(existing.confirm_sent_at) >= MAIL_GAP_MS;
    if (existing?.status === 'active') {
      if (mailDue) {
        await repo.updateSubscriber(db, Number(existing.id), { confirm_sent_at: t });
        const manageUrl = sign().links(toSubscriber(existing)).manage;
        send(async () => void (await d.mailer.send(alreadySubscribedMail({ to: email, manageUrl, site: config.baseUrl }))));
      }
      return { outcome: 'check-inbox' };
    }
    if (!mailDue) return { outcome: 'check-inbox' };
    // New, pending, unsubscribed or suspended: (re)confirm. Only a confirmation makes it active again.
    const token = newSecret();
    const confirmCols = { confirm_token_hash: tokenHash(token), confirm_expires_at: new Date(now().getTime() + CONFIRM_HOURS * 3_600_000).toISOString(), confirm_sent_at: t, updated_at: t };
    // A suspended subscriber's settings are the owner's: a request (anyone's) only sends the confirmation.
    const takeSettings = existing?.status !== 'suspended';
    await db.transaction().execute(async (trx) => {
      const row = existing
        ? (await repo.updateSubscriber(trx, Number(existing.id), { ...(takeSettings ? settingsColumns(settings) : {}), ...confirmCols, ...(existing.status === 'unsubscribed' ? { status: 'pending' as const } : {}) }), existing)
        : await repo.insertSubscriber(trx, { ...settingsColumns(settings), ...confirmCols, email, user_id: null, status: 'pending', confirmed_at: null, suspended_reason: null, suspended_at: null, unsubscribed_at: null, created_at: t });
      if (takeSettings) await saveExtras(trx, Number(row.id), settings);
    });
    const url = `${config.baseUrl}/subscribe/confirm/${token}`;
    send(async () => void (await d.mailer.send(confirmMail({ to: email, url, hours: CONFIRM_HOURS, site: config.baseUrl }))));
    return { outcome: 'check-inbox' };
  };

  const service: Subscriptions = {
    ready,
    defaults,
    draft: (input, base) => draftSettings(input, base ?? defaults()),

    async subscribe(input) {
      try {
        return await subscribeOnce(input);
      } catch (e) {
        // Two requests for one new address at once: the loser's insert hits the unique address; it runs again and finds the row.
        if (!repo.isUniqueViolation(e)) throw e;
        return subscribeOnce(input);
      }
    },

    async confirmable(raw) {
      const token = cleanToken(raw);
      const row = token ? await repo.findSubscriberByConfirmHash(db, tokenHash(token)) : undefined;
      if (!row || !row.confirm_expires_at || Date.parse(row.confirm_expires_at) < now().getTime()) {
        throw new AppError('SUBSCRIPTION_LINK_INVALID', `This confirmation link is not valid or has expired (links work for ${CONFIRM_HOURS} hours). Subscribe again to get a new one.`);
      }
      return { email: row.email };
    },

    async confirm(raw) {
      await ready();
      await service.confirmable(raw);
      const t = now().toISOString();
      const id = await db.transaction().execute(async (trx) => {
        const row = await repo.findSubscriberByConfirmHash(trx, tokenHash(raw));
        if (!row) throw new AppError('SUBSCRIPTION_LINK_INVALID', 'This confirmation link was already used.');
        await repo.updateSubscriber(trx, Number(row.id), { status: 'active', confirmed_at: t, confirm_token_hash: null, confirm_expires_at: null, suspended_reason: null, suspended_at: null, unsubscribed_at: null, updated_at: t });
        if (row.status === 'suspended') await clearBounces(trx, row.email);
        await repo.insertTokens(trx, tokenRows(toSubscriber(row)), t);
        return Number(row.id);
      });
      return view((await load(id))!);
    },

    async manage(raw) {
      return view(await current(raw, ['manage']));
    },

    async update(raw, input) {
      const sub = await current(raw, ['manage']);
      const settings = parseSettings(input, settingsOf(sub));
      const t = now().toISOString();
      await db.transaction().execute(async (trx) => {
        await repo.updateSubscriber(trx, sub.id, { ...settingsColumns(settings), updated_at: t });
        await saveExtras(trx, sub.id, settings);
      });
      return view((await load(sub.id))!);
    },

    async unsubscribe(raw) {
      const t = await byToken(raw, ['unsubscribe', 'manage']);
      if (t.revoked || t.sub.status === 'unsubscribed') return 'already';
      const at = now().toISOString();
      await db.transaction().execute(async (trx) => {
        // A new generation: every link signed before this moment stops opening the manage page and the feed.
        await repo.updateSubscriber(trx, t.sub.id, { status: 'unsubscribed', unsubscribed_at: at, link_generation: t.sub.linkGeneration + 1, confirm_token_hash: null, confirm_expires_at: null, updated_at: at });
        await repo.revokeTokens(trx, t.sub.id, at);
      });
      d.log.info({ subscriber: t.sub.id }, 'unsubscribed');
      return 'unsubscribed';
    },

    async unsubscribeState(raw) {
      const t = await byToken(raw, ['unsubscribe']);
      return t.revoked || t.sub.status === 'unsubscribed' ? 'already' : 'active';
    },

    async feed(raw) {
      const sub = await current(raw, ['feed']);
      const at = now();
      const span = sub.frequency === 'weekly' ? 7 : 2;
      const recipient: DigestRecipient = {
        subscriber: sub, period: sub.frequency, periodKey: at.toISOString().slice(0, 10), dueAt: at.toISOString(),
        since: new Date(at.getTime() - span * 86_400_000).toISOString(), links: sign().links(sub),
      };
      const sections = await buildSections({ ...sectionDeps, alreadySent: async () => new Set() }, recipient);
      return { subscriber: sub, items: sections.flatMap((s) => s.items) };
    },

    async forUser(user) {
      await ready();
      // Accounts are made by following a mailed link (or by the operator), so the account's address is
      // proven: a subscription made by e-mail alone before the account existed is the member's too.
      const row = (await repo.findSubscriberByUser(db, user.id)) ?? (await repo.findSubscriberByEmail(db, normalizeEmail(user.email)));
      if (!row || (row.user_id !== null && Number(row.user_id) !== user.id)) return null;
      return view((await load(Number(row.id)))!);
    },

    async updateForUser(user, input) {
      const mine = await service.forUser(user);
      if (!mine || mine.subscriber.status === 'unsubscribed' || mine.subscriber.status === 'pending') throw new AppError('SUBSCRIBER_NOT_FOUND', 'You have no digest subscription to change: subscribe first.');
      // Changed from the account: from now on it is the account's (export's linkedToAccount, and found by id).
      if (mine.subscriber.userId === null) await repo.updateSubscriber(db, mine.subscriber.id, { user_id: user.id });
      return service.update(tokenOf(mine.subscriber, 'manage'), input);
    },

    async unsubscribeForUser(user) {
      const mine = await service.forUser(user);
      if (!mine) throw new AppError('SUBSCRIBER_NOT_FOUND', 'You have no digest subscription.');
      if (mine.subscriber.status === 'unsubscribed') return 'already';
      return service.unsubscribe(tokenOf(mine.subscriber, 'unsubscribe'));
    },

    exportFor: (user) => exportSubscriptions(db, { userId: user.id, email: user.email }),

    async dueSubscribers(period, at) {
      await ready();
      return listDue(db, { period, at, dailyDays, links: (sub) => sign().links(sub) });
    },

    sectionsFor: (recipient, _period, memo) => buildSections(sectionDeps, recipient, memo),

    async markSent(subscriberId, arxivIds) {
      await repo.insertSent(db, subscriberId, arxivIds, now().toISOString());
    },

    async markSentMany(entries) {
      await repo.insertSentMany(db, entries, now().toISOString());
    },

    async suspend(id, reason) {
      const row = await repo.findSubscriber(db, id);
      if (!row) throw new AppError('SUBSCRIBER_NOT_FOUND', `no subscriber ${id}`);
      if (row.status !== 'active' && row.status !== 'suspended') return;
      const t = now().toISOString();
      await repo.updateSubscriber(db, id, { status: 'suspended', suspended_reason: reason.slice(0, 500), suspended_at: row.suspended_at ?? t, updated_at: t });
    },

    manageUrl: (s) => sign().links(s).manage,
    unsubscribeUrl: (s) => sign().links(s).unsubscribe,
    unsubscribeMailto: (s) => sign().links(s).unsubscribeMailto,

    async byId(id) {
      await ready();
      return load(id);
    },
    async byEmail(email) {
      await ready();
      const row = await repo.findSubscriberByEmail(db, normalizeEmail(email));
      return row ? load(Number(row.id)) : null;
    },

    async counts() {
      return Object.fromEntries((await repo.countByStatus(db)).map((r) => [r.status, r.n]));
    },

    async drain() {
      while (pending.size) await Promise.allSettled([...pending]);
    },
  };

  const sectionDeps = {
    catalog: d.catalog,
    baseUrl: config.baseUrl,
    size: config.digestSectionSize,
    alreadySent: (id: number, ids: readonly string[]) => repo.sentAmong(db, id, ids),
    picks: d.picks ?? (async () => []),
  };
  return service;
}

export type { Period };
