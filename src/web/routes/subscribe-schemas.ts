/** Request schemas shared by the subscribe routes (subscribe.ts) and the signed-link routes (subscribe-links.ts). */
const text = { type: 'string', maxLength: 10_000 } as const;
const textOrList = { anyOf: [text, { type: 'array', maxItems: 100, items: text }] } as const;
/** The settings fields a form sends (repeated checkboxes arrive as an array). */
export const settingsBody = {
  type: 'object',
  properties: {
    _csrf: text, email: text, frequency: text, hour: text, timeZone: text, weeklyDay: text, sectionsSet: text,
    sections: textOrList, searches: textOrList, authors: textOrList, categories: textOrList,
  },
} as const;
export const tokenParams = { type: 'object', required: ['token'], properties: { token: { type: 'string', maxLength: 100 } } } as const;
