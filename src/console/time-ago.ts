import { secondsBetween } from '../admin/workspace-health.js';

/** "4 min ago", "2 h ago", "3 d ago": how long since `at`, for people. */
export function timeAgo(at: string, now: Date): string {
  const seconds = secondsBetween(at, now);
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}
