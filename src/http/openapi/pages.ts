// What is served beside the API: the dashboard and its assets, the demo's objects, this document.

import { pathParameter, paths } from './operation.js';
import { string } from './schema.js';

const text = (type: string, description: string) => ({ description, content: { [type]: { schema: string() } } });

/** GET /, /dashboard.js, /dashboard.css, /favicon.ico, /objects/{key}, /openapi.json. */
export const pagePaths = paths('pages', {
  '/': {
    get: {
      summary: 'The web dashboard',
      description: 'No API key needed for the page; it asks for the key for the data.',
      responses: { 200: text('text/html', 'The page') },
    },
  },
  '/dashboard.js': {
    get: { summary: 'The dashboard’s script', responses: { 200: text('text/javascript', 'The script') } },
  },
  '/dashboard.css': {
    get: { summary: 'The dashboard’s stylesheet', responses: { 200: text('text/css', 'The stylesheet') } },
  },
  '/favicon.ico': { get: { summary: 'No icon', responses: { 204: { description: 'Nothing' } } } },
  '/objects/{key}': {
    get: {
      summary: 'An object of the demo’s local object store',
      description:
        'Only in the demo (DEMO=true), where the public URLs of videos point here. The key may contain `/` (`videos/<unique_id>.mp4`).',
      parameters: [pathParameter('key', string(), 'The object key')],
      responses: {
        200: {
          description: 'The object',
          content: {
            'video/mp4': { schema: string(undefined, { contentMediaType: 'video/mp4' }) },
            'image/jpeg': { schema: string(undefined, { contentMediaType: 'image/jpeg' }) },
            'text/plain': { schema: string() },
            'application/octet-stream': { schema: string(undefined, { contentMediaType: 'application/octet-stream' }) },
          },
        },
      },
      errors: [400, 404],
    },
  },
  '/openapi.json': {
    get: {
      summary: 'This document',
      description: 'The OpenAPI 3.1 description of every route; no API key needed.',
      responses: {
        200: { description: 'The document', content: { 'application/json': { schema: { type: 'object' } } } },
      },
    },
  },
});
