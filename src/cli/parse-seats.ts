import { RosterdError } from '../error/rosterd-error.js';
import { isSeatType, V1_SEAT_TYPES } from '../model/workspace-role.js';

/** `builder=10,pro=5` → { builder: 10, pro: 5 }. */
export function parseSeats(text: string): Record<string, number> {
  const seats: Record<string, number> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z_0-9]+)=(\d+)$/.exec(part);
    if (!match) throw new RosterdError('ROSTERD_E_USAGE', `--seats: "${part}" should look like builder=10`);
    if (!isSeatType(match[1])) throw new RosterdError('ROSTERD_E_USAGE', `--seats: "${match[1]}" is not a seat type; use ${V1_SEAT_TYPES.join(', ')}`);
    seats[match[1]] = Number(match[2]);
  }
  return seats;
}
