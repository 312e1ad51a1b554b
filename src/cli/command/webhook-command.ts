import type { Command } from 'commander';
import type { GlobalOptions } from '../open-store.js';

// The actions load the store only when they run, so `rosterd --help` and the other commands start quickly.
const actions = () => import('../action/webhook-actions.js');

export function registerWebhookCommand(program: Command, globals: () => GlobalOptions): void {
  const webhook = program.command('webhook').description('endpoints that receive a workspace\'s events, signed (Standard Webhooks), in order, at least once');

  webhook
    .command('add [workspace]')
    .description('add an endpoint and print its signing secret once; it receives what happens from now on')
    .requiredOption('--url <url>', 'where to POST events: https:// on a public host')
    .option('--all', 'every workspace, those created later included, instead of one')
    .option('--events <patterns>', 'only these event types, comma-separated: member.*, group.*, group.member_added, …; default every event')
    .option('--json', 'print JSON')
    .action(async (workspaceId: string | undefined, options: { url: string; all?: boolean; events?: string; json?: boolean }) => (await actions()).addWebhookAction(globals(), workspaceId, options));

  webhook
    .command('list [workspace]')
    .description('list endpoints (never their secrets): all, or those receiving a workspace\'s events, with where each stands')
    .option('--json', 'print JSON')
    .action(async (workspaceId: string | undefined, options: { json?: boolean }) => (await actions()).listWebhooksAction(globals(), workspaceId, options));

  webhook
    .command('remove <id>')
    .description('remove an endpoint with its delivery history')
    .action(async (id: string) => (await actions()).removeWebhookAction(globals(), id));

  webhook
    .command('enable <id>')
    .description('re-enable a failing or disabled endpoint: delivery resumes where it stopped')
    .action(async (id: string) => (await actions()).enableWebhookAction(globals(), id));

  webhook
    .command('disable <id>')
    .description('stop delivering to an endpoint until it is enabled again (events wait for it)')
    .action(async (id: string) => (await actions()).disableWebhookAction(globals(), id));

  webhook
    .command('deliveries <workspace>')
    .description('recent delivery attempts, newest first: status, time taken, and what a failure said')
    .option('--endpoint <id>', 'of one endpoint')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(async (workspaceId: string, options: { endpoint?: string; limit: string; json?: boolean }) => (await actions()).webhookDeliveriesAction(globals(), workspaceId, options));

  webhook
    .command('replay <workspace>')
    .description('send a workspace\'s events again from a sequence on (moves the delivery cursor back)')
    .requiredOption('--from <seq>', 'the first event sequence to send again')
    .option('--endpoint <id>', 'only this endpoint; default every endpoint of the workspace')
    .action(async (workspaceId: string, options: { from: string; endpoint?: string }) => (await actions()).replayWebhookAction(globals(), workspaceId, options));
}
