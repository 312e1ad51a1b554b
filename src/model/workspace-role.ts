export const V2_ROLES = ['admin', 'editor', 'viewer'] as const;
export type V2Role = (typeof V2_ROLES)[number];

/** Never come from an IdP. */
export const RESERVED_ROLES = ['owner', 'member', 'guest'] as const;

export const V1_SEAT_TYPES = ['starter', 'builder', 'pro', 'elite', 'elite_2', 'elite_3'] as const;
export type SeatType = (typeof V1_SEAT_TYPES)[number];

export const isV2Role = (value: unknown): value is V2Role => typeof value === 'string' && (V2_ROLES as readonly string[]).includes(value);
export const isSeatType = (value: unknown): value is SeatType =>
  typeof value === 'string' && (V1_SEAT_TYPES as readonly string[]).includes(value);
