/**
 * Bounce rules: which SMTP refusals count against an address, and how much. A soft bounce (mailbox
 * full, a policy block, a temporary failure that outlived every retry) scores 1; a hard one (the
 * address does not exist: 5.1.x, 550/551/553) scores 2; at 4 the subscription is suspended, and 30
 * days without a bounce start the count again. Two hard bounces, not one, suspend: a 550 is now and
 * then a receiving server's passing misconfiguration, and a suspension needs the subscriber to act.
 */
export const SOFT_POINTS = 1;
export const HARD_POINTS = 2;
export const SUSPEND_AT = 4;
export const RESET_AFTER_DAYS = 30;

export type BounceKind = 'soft' | 'hard';

/**
 * The kind of a permanent (5xx) refusal from its reply code and text (enhanced status codes, RFC 3463,
 * decide when present: 5.1.x is a bad address, 5.2.x a full or disabled mailbox, 5.7.x a policy block).
 * @example bounceKind(550, '550 5.1.1 <x@example.org>: no such user') // 'hard'
 * @example bounceKind(552, '552 5.2.2 mailbox full') // 'soft'
 */
export function bounceKind(code: number | undefined, message: string): BounceKind {
  const enhanced = /\b5\.(\d{1,3})\.\d{1,3}\b/.exec(message);
  if (enhanced) return enhanced[1] === '1' ? 'hard' : 'soft';
  return code === 550 || code === 551 || code === 553 ? 'hard' : 'soft';
}

export function bouncePoints(kind: BounceKind): number {
  return kind === 'hard' ? HARD_POINTS : SOFT_POINTS;
}

/** The reason the manage page shows for a suspension. */
export function suspensionReason(email: string, score: number, last: { code: number | null; error: string; at: Date }): string {
  const reply = last.code ? `${last.code} ` : '';
  return `Mail to ${email} bounced repeatedly (bounce score ${score} of ${SUSPEND_AT}; last on ${last.at.toISOString().slice(0, 10)}: ${reply}${last.error.slice(0, 200)}). Digests are paused; resume them once the address accepts mail again.`;
}
