/**
 * The JSON error body every API route answers with (see the error handler in server.ts), as a schema
 * for the routes' `response` maps and the OpenAPI document.
 */
export const errorSchema = {
  type: 'object',
  required: ['error', 'code', 'statusCode'],
  properties: { error: { type: 'string' }, code: { type: 'string' }, statusCode: { type: 'integer' } },
} as const;
