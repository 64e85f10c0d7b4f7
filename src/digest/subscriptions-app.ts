/**
 * The subscriptions service of one app, created on first use (like `community(app)`): routes, the
 * mail side and commands reach it through `subscriptions(app)`. Subscribe mails still in flight are
 * sent before the store closes.
 */
import type { App } from '../app.ts';
import { createSubscriptions, type Subscriptions } from './subscriptions.service.ts';
import type { PicksProvider } from './types.ts';

const instances = new WeakMap<App, Subscriptions>();

/** @example const subs = subscriptions(app); const due = await subs.dueSubscribers('daily', new Date()) */
export function subscriptions(app: App, o: { picks?: PicksProvider } = {}): Subscriptions {
  let s = instances.get(app);
  if (s) return s;
  s = createSubscriptions({ store: app.store, config: app.config, mailer: app.mailer, catalog: app.catalog, log: app.log.child({ component: 'subscriptions' }), ...(o.picks ? { picks: o.picks } : {}) });
  const created = s;
  app.onClose(() => created.drain());
  instances.set(app, s);
  return s;
}
