// How an event commit is announced between instances: a NOTIFY per schema (`<prefix><schema>`), so installations
// sharing a server do not wake each other, with the payload `<seq> <workspace id>`.

export const EVENT_CHANNEL_PREFIX = 'rosterd_events.';

export const eventPayload = (workspaceId: string, lastSeq: number): string => `${lastSeq} ${workspaceId}`;

/** A change to keys or workspaces (the auth generation's trigger), without a payload. */
export const AUTH_CHANNEL_PREFIX = 'rosterd_auth.';
