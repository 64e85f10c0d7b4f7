/**
 * The community's services for one app: sessions, sign-in, API tokens, votes and the count folder.
 * Created on first use and closed with the app; routes and commands reach them through `community(app)`.
 */
import type { App } from '../app.ts';
import { createAccountData, type AccountData } from './account-data.service.ts';
import { createClaims, type Claims } from './claims.service.ts';
import { createMentionNotifier, type MentionNotifier } from './claim-mentions.ts';
import { createCollections, type Collections } from './collections.service.ts';
import { createComments, type Comments } from './comments.service.ts';
import { createModeration, type Moderation } from './moderation.service.ts';
import { createCountFolder, type CountFolder } from './count-folder.ts';
import { createSessions, type Sessions } from './sessions.service.ts';
import { createSignIn, type SignIn } from './signin.service.ts';
import { createSubmissions, type Submissions } from './submissions.service.ts';
import { createHttpClient, type HttpClient } from '../ingest/http-client.ts';
import { createTokens, type Tokens } from './tokens.service.ts';
import { createUsers, type Users } from './users.service.ts';
import { createVotes, type Votes } from './votes.service.ts';

export interface Community {
  sessions: Sessions;
  signIn: SignIn;
  tokens: Tokens;
  users: Users;
  votes: Votes;
  comments: Comments;
  accountData: AccountData;
  submissions: Submissions;
  moderation: Moderation;
  /** Authorship claims (claims.service.ts), and the mails mentions of claimed authors cause. */
  claims: Claims;
  mentions: MentionNotifier;
  collections: Collections;
  /** Folds vote and comment counts into the catalog; `serve` starts it, tests call foldOnce(). */
  counts: CountFolder;
}

const instances = new WeakMap<App, Community>();

export function community(app: App): Community {
  let c = instances.get(app);
  if (c) return c;
  const { store, config, mailer } = app;
  const log = app.log.child({ component: 'community' });
  let arxiv: HttpClient | undefined;
  const sessions = createSessions({ store, days: config.sessionDays, cacheMs: config.sessionCacheMs });
  const claims = createClaims({ store });
  const mentions = createMentionNotifier({ store, mailer, claims, log, baseUrl: config.baseUrl });
  c = {
    sessions,
    signIn: createSignIn({ store, config, mailer, log, onUserChange: sessions.forget }),
    tokens: createTokens({ store }),
    users: createUsers({ store, onUserChange: sessions.forget }),
    votes: createVotes({ store, batch: config.voteBatching }),
    comments: createComments({ store, config, onAdded: mentions.commented }),
    claims,
    mentions,
    accountData: createAccountData({ store, onUserChange: sessions.forget }),
    moderation: createModeration({ store, onBan: (id) => sessions.endAll(id) }),
    // One client per app: arXiv's politeness delay holds across every member's submissions.
    submissions: createSubmissions({ store, config, http: () => (arxiv ??= createHttpClient({ delayMs: config.arxivDelayMs, maxAttempts: 3 })) }),
    collections: createCollections({ store, maxPapers: config.collectionMaxPapers, perUser: config.collectionsPerUser }),
    counts: createCountFolder({ store, log, everyMs: config.countsFoldMs }),
  };
  const created = c;
  // Closed before the store (closers run last-in, first-out): queued mail goes out, the last fold ends.
  app.onClose(async () => {
    await created.counts.stop();
    await created.signIn.drain();
    await mentions.drain();
  });
  instances.set(app, c);
  return c;
}
