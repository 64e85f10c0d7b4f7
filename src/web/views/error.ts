import { html, type Html } from '../html.ts';
import { layout } from './layout.ts';

const TITLES: Record<number, string> = {
  400: 'That request did not make sense',
  404: 'Not found',
  405: 'Not allowed here',
  408: 'Too slow',
  413: 'Too large',
  414: 'Address too long',
  415: 'Unsupported content',
  429: 'Slow down',
  431: 'Headers too large',
  503: 'Unavailable',
};

export function errorPage(status: number, message: string): Html {
  const title = TITLES[status] ?? (status >= 500 ? 'Something went wrong' : 'Error');
  return layout({
    title,
    body: html`<section class="error"><h1>${title}</h1><p>${message}</p><p><a href="/">Back to today’s papers</a></p></section>`,
  });
}
