import { EVENT_TYPES } from '../events/event.js';
import { APP_ERROR_CODES } from './app-api-error.js';

// JSON Schemas for validation, serialisation and the OpenAPI document. They mirror src/events/app-resources.ts and
// event.ts; a test validates real responses against the published document.

const nullable = (type: string) => ({ type: [type, 'null'] });
const timestamp = { type: 'string', format: 'date-time' };

export const appMemberSchema = {
  type: 'object',
  description: 'A member of the workspace as the app sees it.',
  required: ['id', 'externalId', 'userName', 'displayName', 'givenName', 'familyName', 'email', 'title', 'department', 'active', 'role', 'creditLimit', 'seatType', 'owner', 'managedBy', 'version', 'createdAt', 'updatedAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    externalId: nullable('string'),
    userName: { type: 'string' },
    displayName: nullable('string'),
    givenName: nullable('string'),
    familyName: nullable('string'),
    email: { ...nullable('string'), description: 'The primary email, else the first one.' },
    title: nullable('string'),
    department: nullable('string'),
    active: { type: 'boolean' },
    role: { ...nullable('string'), description: 'V2 workspaces: admin, editor or viewer.' },
    creditLimit: { ...nullable('number'), description: 'V2 workspaces: the monthly credit cap; null for none.' },
    seatType: { ...nullable('string'), description: 'V1 workspaces: the seat the member occupies.' },
    owner: { type: 'boolean' },
    managedBy: { ...nullable('string'), description: 'The connector binding that manages the member; null when pushed over SCIM or made by hand.' },
    version: { type: 'integer', description: 'Moves with every change: keep the highest seen.' },
    createdAt: timestamp,
    updatedAt: timestamp,
  },
} as const;

export const appGroupSchema = {
  type: 'object',
  description: 'A group of the workspace as the app sees it.',
  required: ['id', 'externalId', 'displayName', 'appName', 'managedBy', 'version', 'createdAt', 'updatedAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    externalId: nullable('string'),
    displayName: { type: 'string', description: 'As the IdP names it.' },
    appName: { type: 'string', description: "What the app shows: the workspace's group prefix and the display name." },
    managedBy: nullable('string'),
    version: { type: 'integer' },
    createdAt: timestamp,
    updatedAt: timestamp,
  },
} as const;

const memberRefSchema = {
  type: 'object',
  required: ['id', 'userName', 'externalId'],
  additionalProperties: false,
  properties: { id: { type: 'string' }, userName: nullable('string'), externalId: nullable('string') },
} as const;

export const appGroupMemberSchema = {
  type: 'object',
  description: "A member's link to a group.",
  required: ['member', 'projectRole'],
  additionalProperties: false,
  properties: { member: memberRefSchema, projectRole: nullable('string') },
} as const;

const fieldChangesSchema = {
  type: 'object',
  description: 'For updates: each changed field, before and after.',
  additionalProperties: { type: 'object', required: ['before', 'after'], properties: { before: {}, after: {} } },
} as const;

export const eventSchema = {
  type: 'object',
  description: 'One applied change of a workspace; `data` carries the full resource after it (before it, for a removal or deletion).',
  required: ['id', 'workspace', 'seq', 'type', 'occurredAt', 'source', 'runId', 'data'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', description: 'Unique across workspaces.' },
    workspace: { type: 'string' },
    seq: { type: 'integer', description: 'Per workspace: 1, 2, 3, … without gaps, in commit order.' },
    type: { type: 'string', enum: [...EVENT_TYPES] },
    occurredAt: timestamp,
    source: { type: 'string', description: '`scim:<key name>`, `connector:<binding>` or `cli`.' },
    runId: nullable('string'),
    data: {
      anyOf: [
        { type: 'object', required: ['member'], additionalProperties: false, properties: { member: appMemberSchema, changes: fieldChangesSchema } },
        { type: 'object', required: ['group'], additionalProperties: false, properties: { group: appGroupSchema, changes: fieldChangesSchema } },
        { type: 'object', required: ['group', 'member', 'projectRole'], additionalProperties: false, properties: { group: appGroupSchema, member: memberRefSchema, projectRole: nullable('string') } },
      ],
    },
  },
} as const;

export const errorSchema = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['status', 'code', 'detail'],
      additionalProperties: false,
      properties: { status: { type: 'integer' }, code: { type: 'string', enum: Object.keys(APP_ERROR_CODES) }, detail: { type: 'string' } },
    },
  },
} as const;

/** The next cursor is null on the last page. */
export function listingSchema(item: object) {
  return {
    type: 'object',
    required: ['data', 'eventSeq', 'nextCursor'],
    additionalProperties: false,
    properties: {
      data: { type: 'array', items: item },
      eventSeq: { type: 'integer', description: 'Every row was written at or before this event sequence: follow /events?after=eventSeq once the last page is read.' },
      nextCursor: { ...nullable('string'), description: 'Pass as `cursor` for the next page; null on the last page.' },
    },
  } as const;
}

export const workspaceParams = {
  type: 'object',
  required: ['ws'],
  properties: { ws: { type: 'string', minLength: 1, maxLength: 500, description: 'The workspace id.' } },
} as const;

export const resourceParams = {
  type: 'object',
  required: ['ws', 'id'],
  properties: { ws: workspaceParams.properties.ws, id: { type: 'string', minLength: 1, maxLength: 500 } },
} as const;

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
export const MAX_WAIT_SECONDS = 60;

export const limitQuery = { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: `Rows per page, at most ${MAX_LIMIT}.` } as const;
export const cursorQuery = { type: 'string', minLength: 1, maxLength: 200_000, description: 'nextCursor of the previous page; leave out for the first.' } as const;
export const waitQuery = {
  type: 'integer',
  minimum: 0,
  maximum: MAX_WAIT_SECONDS,
  default: 0,
  description: `Seconds to wait for an event when there is none yet (long poll), at most ${MAX_WAIT_SECONDS}; 0 answers at once.`,
} as const;

export const errorResponses = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  404: errorSchema,
  410: errorSchema,
  429: errorSchema,
  500: errorSchema,
  503: errorSchema,
} as const;
