import { secondsBetween } from '../admin/workspace-health.js';

export function timeAgo(at: string, now: Date): string {
  const seconds = secondsBetween(at, now);
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}
