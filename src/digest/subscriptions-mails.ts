/**
 * The two mails subscribing sends: "confirm your subscription" (double opt-in) and, when the address
 * is already subscribed, "you are already subscribed" with the manage link — so the page that asked
 * says the same thing either way, and only the inbox's owner learns which it was.
 */
import type { MailMessage } from '../mail/mailer.ts';

export function confirmMail(o: { to: string; url: string; hours: number; site: string }): MailMessage {
  return {
    to: o.to,
    subject: 'Confirm your Paperboy digest subscription',
    text: [
      `Someone (hopefully you) asked to get trending papers from ${o.site} by e-mail at this address.`,
      '',
      'Confirm the subscription here:',
      o.url,
      '',
      `The link works for ${o.hours} hours. If you did not ask, ignore this mail: nothing will be sent.`,
    ].join('\n'),
  };
}

export function alreadySubscribedMail(o: { to: string; manageUrl: string; site: string }): MailMessage {
  return {
    to: o.to,
    subject: 'You are already subscribed to the Paperboy digest',
    text: [
      `Someone (hopefully you) asked to subscribe this address to the digest of ${o.site}; it already is.`,
      '',
      'Change what you get, or unsubscribe, here:',
      o.manageUrl,
    ].join('\n'),
  };
}
