/** Every segment encoded: ids come from the store, and a workspace id may hold a dot. */
export const workspaceHref = (workspaceId: string): string => `/console/workspaces/${encodeURIComponent(workspaceId)}`;
export const planHref = (planId: string): string => `/console/plans/${encodeURIComponent(planId)}`;
